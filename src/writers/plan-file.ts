/**
 * The migration folder `dbdoctor fix` writes: the files of the chosen format plus
 * `dbdoctor-plan.json`, the plan itself, which `dbdoctor apply --from` reads back.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import type { MigrationPlan } from '../plan/steps.js';
import { sqlWriter } from './sql.js';
import type { MigrationWriter, WriteOptions } from './types.js';

export const PLAN_FILE = 'dbdoctor-plan.json';

/** Writes the writer's files and the plan into `dir` (created if needed); returns the paths written. */
export async function writeMigration(
  dir: string,
  plan: MigrationPlan,
  writer: MigrationWriter,
  options: WriteOptions = {},
): Promise<string[]> {
  const files = [...(await writer.render(plan, options)), { path: PLAN_FILE, content: `${JSON.stringify(plan, null, 2)}\n` }];
  const written: string[] = [];
  try {
    await mkdir(dir, { recursive: true });
    for (const file of files) {
      const path = join(dir, file.path);
      await writeFile(path, file.content);
      written.push(path);
    }
  } catch (error) {
    throw new UserError(`cannot write the migration to ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return written;
}

const severity = z.enum(['critical', 'medium', 'low']);
const statements = z.array(z.string());
const planSchema = z.object({
  version: z.literal(1),
  generator: z.string(),
  createdAt: z.string(),
  target: z.object({ name: z.string(), database: z.string().nullable(), serverVersion: z.string() }),
  schemas: z.array(z.string()),
  settings: z.object({ lockTimeoutMs: z.number().int().min(0), statementTimeoutMs: z.number().int().min(0) }),
  steps: z.array(
    z.object({
      id: z.string(),
      finding: z.looseObject({ rule: z.string(), severity, schema: z.string(), table: z.string(), message: z.string(), help: z.string() }),
      action: z.looseObject({ kind: z.enum(['drop-index', 'drop-constraint', 'create-index', 'sql']) }),
      summary: z.string(),
      up: statements,
      down: statements,
      outsideTransaction: z.boolean(),
      notes: z.array(z.string()),
    }),
  ),
  skipped: z.array(z.object({ finding: z.looseObject({ rule: z.string() }), reason: z.string() })),
});

/**
 * Reads the plan a `dbdoctor fix` wrote into `dir`. If the folder has the SQL files and they no
 * longer match the plan, it refuses: apply runs the plan, and silently ignoring an edit made
 * to up.sql during review would apply something other than what was approved.
 */
export async function readMigration(dir: string): Promise<MigrationPlan> {
  let text: string;
  try {
    text = await readFile(join(dir, PLAN_FILE), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `${dir} is not a migration folder written by dbdoctor fix (no ${PLAN_FILE})`
        : `cannot read ${join(dir, PLAN_FILE)}: ${code ?? String(error)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError(`${join(dir, PLAN_FILE)} is not valid JSON`);
  }
  const parsed = planSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `${join(dir, PLAN_FILE)} is not a dbdoctor plan: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
    );
  }
  const plan = parsed.data as unknown as MigrationPlan;
  for (const file of await sqlWriter.render(plan)) {
    let onDisk: string;
    try {
      onDisk = await readFile(join(dir, file.path), 'utf8');
    } catch {
      continue;
    }
    if (onDisk !== file.content) {
      throw new UserError(
        `${join(dir, file.path)} was changed after dbdoctor wrote it; apply runs ${PLAN_FILE}, not the SQL: run the edited SQL with psql, or narrow the plan with dbdoctor fix --rule/--table`,
      );
    }
  }
  return plan;
}
