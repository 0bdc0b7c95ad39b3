import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkOutputDir } from '../util/output-path.js';
import { auditTarget } from '../audit/run-target.js';
import type { AuditResult } from '../audit/types.js';
import { openAuditTarget } from '../sources/open-target.js';
import { UserError } from '../util/errors.js';
import { printable } from '../util/printable.js';
import { printTargetWarnings } from './target.js';
import { filtersOf, loadTimeoutOf, parseDuration, targetOf, type FilterOptions } from './fix-options.js';
import { writeMigration } from '../writers/plan-file.js';
import { selectFindings, type MigrationPlan } from '../plan/types.js';
import { planFix } from '../plan/planner.js';
import { emitterFor } from '../dialects/emitters.js';
import { isValidRevisionId } from '../writers/alembic.js';
import { modelsPatch } from '../writers/models-patch.js';
import { getWriter, writers } from '../writers/index.js';
import { workloadSourcesOf, type CommandIo } from './audit-command.js';
import { EXIT_CLEAN } from './exit.js';
import { withConfiguredAudit, type ConfigCommandOptions } from './audit-config.js';

/** Options of `dbdoctor fix`, as commander hands them over. */
export interface FixCommandOptions extends FilterOptions, ConfigCommandOptions {
  /** `--strict`: a .sql target stops at its first failing statement instead of skipping it. */
  readonly strict?: boolean;
  /** `--load-timeout DURATION`: how long one statement of a .sql target may run while loading. */
  readonly loadTimeout?: string;
  /** `--python PATH`: the Python that imports SQLAlchemy models. */
  readonly python?: string;
  /** `--write`: SQLAlchemy models are edited in place as well as patched. */
  readonly write?: boolean;
  readonly format?: string;
  readonly output?: string;
  readonly schema?: string[];
  readonly revision?: string;
  readonly downRevision?: string;
  readonly lockTimeout?: string;
  readonly statementTimeout?: string;
  /** PostgreSQL log files to read the queries from (repeatable). */
  readonly log?: string[];
  /** Files of SQL statements the application runs (repeatable). */
  readonly queries?: string[];
}

const DEFAULT_MIGRATION_DIR = './dbdoctor-migration';

/** Lines describing a plan: its steps with their statements, and what it leaves out. */
export function renderPlan(plan: MigrationPlan, withStatements: boolean): string[] {
  const lines: string[] = [];
  plan.steps.forEach((step, i) => {
    lines.push(`  ${i + 1}. ${step.summary} — ${step.finding.rule} (${step.finding.severity})`);
    if (withStatements) for (const statement of step.up) lines.push(`       ${statement.sql}`);
  });
  if (plan.refused.length > 0) {
    lines.push(`Refused by the whole-plan check (${plan.refused.length}):`);
    for (const r of plan.refused) lines.push(`  - ${r.summary} (${r.findings.map((f) => f.rule).join(', ')}): ${r.reason}`);
  }
  if (plan.skipped.length > 0) {
    lines.push(`Not fixed (${plan.skipped.length}):`);
    for (const s of plan.skipped)
      lines.push(`  - ${s.finding.rule} on ${s.finding.schema}.${s.finding.index ?? s.finding.constraint ?? s.finding.table}: ${s.reason}`);
  }
  // Names come from the database: no escape sequence or line break of theirs reaches the terminal.
  return lines.map(printable);
}

/** Audits the target and writes a migration for the findings that have a fix; returns the exit code. */
export async function runFixCommand(argument: string | undefined, options: FixCommandOptions, io: CommandIo): Promise<number> {
  const formatName = options.format ?? 'sql';
  const writer = getWriter(formatName);
  if (!writer) throw new UserError(`unknown format "${formatName}" (choose ${Object.keys(writers).join(', ')})`);
  const filters = filtersOf(options);
  const settings = {
    lockTimeoutMs: parseDuration(options.lockTimeout ?? '5s', '--lock-timeout'),
    statementTimeoutMs: parseDuration(options.statementTimeout ?? '0', '--statement-timeout'),
  };
  for (const [flag, id] of [
    ['--revision', options.revision],
    ['--down-revision', options.downRevision],
  ] as const) {
    if (id !== undefined && !isValidRevisionId(id))
      throw new UserError(`${flag}: "${id}" is not an Alembic revision id (letters, digits and _)`);
  }
  if (formatName !== 'alembic' && (options.revision !== undefined || options.downRevision !== undefined)) {
    throw new UserError('--revision and --down-revision are for --format alembic');
  }
  const target = targetOf(argument, io.env);
  await checkOutputDir(options.output ?? DEFAULT_MIGRATION_DIR);
  // PostgreSQL, MySQL/MariaDB or SQLite: each dialect's own emitter writes the migration.
  const open = await openAuditTarget(target, {
    strict: options.strict === true,
    ...loadTimeoutOf(options),
    ...(options.python ? { python: options.python } : {}),
  });
  printTargetWarnings(open, io.stderr);
  let result: AuditResult;
  try {
    // The same queries as audit reads: the fixes that rest on the workload (composites, missing indexes) need them.
    const workloadSources = workloadSourcesOf(options, open.info.kind === 'postgres');
    result = await withConfiguredAudit(options, io, (configured) =>
      auditTarget(open, { schemas: options.schema ?? [], ...configured, ...(workloadSources ? { workloadSources } : {}) }),
    );
  } finally {
    await open.close().catch(() => undefined);
  }
  const findings = selectFindings(result.findings, filters);
  const emitter = emitterFor(result.model.dialect, result.model.capabilities, result.model.tables);
  if (emitter === null) throw new UserError(`dbdoctor cannot write ${result.model.dialect} migrations yet`);
  const plan = planFix(findings, result.model, {
    target: {
      name: result.target.name,
      database: result.target.database,
      serverVersion: result.target.serverVersion,
      dialect: result.model.dialect,
    },
    emitter,
    schemas: options.schema ?? [],
    settings,
  });
  if (plan.steps.length === 0) {
    io.stdout.write(
      [
        `Nothing to fix: ${findings.length} finding${findings.length === 1 ? '' : 's'} selected, none with a fix to apply; nothing written.`,
        ...renderPlan(plan, false),
        '',
      ].join('\n'),
    );
    return EXIT_CLEAN;
  }
  const dir = options.output ?? DEFAULT_MIGRATION_DIR;
  const written = await writeMigration(dir, plan, writer, {
    ...(options.revision !== undefined ? { revision: options.revision } : {}),
    ...(options.downRevision !== undefined ? { downRevision: options.downRevision } : {}),
  });
  const modelNotes: string[] = [];
  if (result.target.kind === 'models') {
    // The models declare the indexes: change them too, or autogenerate would put the dropped ones back.
    const patched = await modelsPatch(plan, target);
    const patchFile = join(dir, 'models.patch');
    await writeFile(patchFile, patched.patch);
    written.push(patchFile);
    if (options.write === true) for (const [file, text] of patched.files) await writeFile(file, text);
    modelNotes.push(
      ...(options.write === true
        ? [`Edited ${patched.files.size} model file(s) in place.`]
        : [`Apply the models' side with: git apply ${patchFile}`]),
      ...patched.notes.map((n) => `Not in models.patch: ${n}`),
    );
  } else if (options.write === true) {
    throw new UserError('--write edits SQLAlchemy models: the target is not a models folder or file');
  }
  io.stdout.write(
    [
      `Wrote the ${writer.name} migration with ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} to ${resolve(dir)}:`,
      ...written.map((p) => `  ${printable(p)}`),
      'Steps:',
      ...renderPlan(plan, false),
      ...modelNotes,
      `Review it, then run it with dbdoctor apply --from ${dir} (or your migration tool).`,
      '',
    ].join('\n'),
  );
  return EXIT_CLEAN;
}
