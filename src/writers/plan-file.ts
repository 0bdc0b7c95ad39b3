/**
 * The migration folder `dbdoctor fix` writes: the files of the chosen format plus
 * `dbdoctor-plan.json`, the plan itself, which `dbdoctor apply --from` reads back. A plan is
 * applied only as the actions it was made from: every step's statements are emitted again from
 * its action and must be the ones in the file, and the SQL files must be what the plan renders.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { prepareOutputDir } from '../util/output-path.js';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import { PLAN_VERSION, type MigrationPlan } from '../plan/types.js';
import { planEmitter } from './common.js';
import { sqlWriter } from './sql.js';
import { alembicWriter } from './alembic.js';
import { knexWriter } from './knex.js';
import type { MigrationFile, MigrationWriter, WriteOptions } from './types.js';

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
    await prepareOutputDir(dir);
    for (const file of files) {
      const path = join(dir, file.path);
      await writeFile(path, file.content);
      written.push(path);
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot write the migration to ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return written;
}

const severity = z.enum(['critical', 'medium', 'low']);
const finding = z.looseObject({ rule: z.string(), severity, schema: z.string(), table: z.string(), message: z.string(), help: z.string() });
const statement = z.looseObject({ sql: z.string(), effect: z.looseObject({ kind: z.string() }) });
const indexRef = z.looseObject({ schema: z.string(), name: z.string(), table: z.string() });
const planSchema = z.object({
  version: z.literal(PLAN_VERSION),
  generator: z.string(),
  createdAt: z.string(),
  target: z.object({
    name: z.string(),
    database: z.string().nullable(),
    serverVersion: z.string(),
    dialect: z.enum(['postgres', 'mysql', 'sqlite']),
  }),
  schemas: z.array(z.string()),
  settings: z.object({ lockTimeoutMs: z.number().int().min(0), statementTimeoutMs: z.number().int().min(0) }),
  steps: z.array(
    z.object({
      id: z.string(),
      finding,
      findings: z.array(finding),
      action: z.looseObject({
        kind: z.enum(['create-index', 'drop-index', 'drop-constraint', 'hide-index', 'add-primary-key']),
        index: indexRef,
      }),
      summary: z.string(),
      up: z.array(statement),
      down: z.array(statement),
      outsideTransaction: z.boolean(),
      notes: z.array(z.string()),
      irreversible: z.string().nullable(),
    }),
  ),
  skipped: z.array(z.object({ finding: z.looseObject({ rule: z.string() }), reason: z.string() })),
  refused: z.array(z.object({ summary: z.string(), findings: z.array(z.looseObject({ rule: z.string() })), reason: z.string() })),
});

/** How to read a plan folder. */
export interface ReadOptions {
  /** Accept steps whose statements were edited after dbdoctor wrote them (a reviewed change). */
  readonly acceptEdits?: boolean;
}

/** The files of the folder that a writer wrote, rendered again from the plan (with the ids the files carry). */
async function renderedAgain(dir: string, plan: MigrationPlan): Promise<MigrationFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const files: MigrationFile[] = [...(await sqlWriter.render(plan))];
  for (const name of names.filter((n) => n.endsWith('_dbdoctor_fix_indexes.py'))) {
    const text = await readFile(join(dir, name), 'utf8').catch(() => '');
    const revision = /^revision: str = (['"])([0-9A-Za-z_]+)\1$/m.exec(text)?.[2];
    const down = /^down_revision: Union\[str, None\] = (?:(['"])([0-9A-Za-z_]+)\1|None)$/m.exec(text)?.[2] ?? null;
    // Without a readable revision id the file cannot be what dbdoctor wrote: compare it with a rendering that cannot match.
    const rendered = await alembicWriter.render(plan, { revision: revision ?? 'unreadable', downRevision: down });
    files.push(...rendered.map((f) => ({ ...f, path: name })));
  }
  for (const name of names.filter((n) => n.endsWith('_dbdoctor_fix_indexes.js'))) {
    files.push(...(await knexWriter.render(plan)).map((f) => ({ ...f, path: name })));
  }
  return files;
}

/**
 * The first migration file of the folder that is not what the plan renders, said as "FILE was
 * changed … (in step N/M (summary))", naming the step the first difference falls in; null when none.
 */
async function changedFile(dir: string, plan: MigrationPlan): Promise<string | null> {
  for (const file of await renderedAgain(dir, plan)) {
    let onDisk: string;
    try {
      onDisk = await readFile(join(dir, file.path), 'utf8');
    } catch {
      continue;
    }
    if (onDisk === file.content) continue;
    const disk = onDisk.split('\n');
    const expected = file.content.split('\n');
    let line = 0;
    while (line < disk.length && disk[line] === expected[line]) line++;
    let step: string | null = null;
    for (let i = Math.min(line, disk.length - 1); i >= 0 && step === null; i--) {
      const m = /(?:Undo step|Step) (\d+)\/(\d+): /.exec(disk[i]!);
      if (m) step = `step ${m[1]}/${m[2]} (${plan.steps[Number(m[1]) - 1]?.summary ?? '?'})`;
    }
    return `${join(dir, file.path)} was changed after dbdoctor wrote it${step !== null ? ` (in ${step})` : ''}`;
  }
  return null;
}

const sqlOf = (statements: readonly { readonly sql: string }[]): string => statements.map((s) => s.sql).join(';\n');

/** Why the plan's steps are not what their actions give, or null when each step is exactly its action. */
function editedStep(plan: MigrationPlan): string | null {
  const emitter = planEmitter(plan);
  for (const [i, step] of plan.steps.entries()) {
    let emitted;
    try {
      emitted = emitter.emit(step.action);
    } catch (error) {
      return `step ${i + 1}/${plan.steps.length} (${step.summary}): its action cannot be emitted (${error instanceof Error ? error.message : String(error)})`;
    }
    if (sqlOf(emitted.up) !== sqlOf(step.up) || sqlOf(emitted.down) !== sqlOf(step.down)) {
      return `step ${i + 1}/${plan.steps.length} (${step.summary}) runs statements its action does not give`;
    }
  }
  return null;
}

/**
 * Reads the plan a `dbdoctor fix` wrote into `dir`. It refuses a plan whose steps' statements are
 * not what their actions give (an edit of dbdoctor-plan.json), unless `acceptEdits`, and a folder
 * whose SQL files no longer match the plan: apply runs the plan, and silently ignoring an edit
 * made to up.sql during review would apply something other than what was approved.
 */
export async function readMigration(dir: string, options: ReadOptions = {}): Promise<MigrationPlan> {
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
  if (typeof json === 'object' && json !== null && (json as { version?: unknown }).version === 1) {
    throw new UserError(`${join(dir, PLAN_FILE)} was written by an older dbdoctor: run dbdoctor fix again to make a new plan`);
  }
  const parsed = planSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `${join(dir, PLAN_FILE)} is not a dbdoctor plan: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
    );
  }
  const plan = parsed.data as unknown as MigrationPlan;
  const edited = editedStep(plan);
  if (edited !== null && options.acceptEdits !== true) {
    throw new UserError(
      `${join(dir, PLAN_FILE)} was changed after dbdoctor wrote it: ${edited}; make a new plan with dbdoctor fix, or pass --accept-edits to run the reviewed edit as written`,
    );
  }
  if (edited === null && options.acceptEdits !== true) {
    const changed = await changedFile(dir, plan);
    if (changed !== null) {
      throw new UserError(
        `${changed}; apply runs ${PLAN_FILE}, not the migration file: make a new plan with dbdoctor fix (narrow it with --rule/--table), run the edited file with its own tool, or pass --accept-edits to apply the plan as written`,
      );
    }
  }
  return plan;
}
