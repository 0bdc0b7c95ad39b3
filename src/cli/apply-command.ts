import { createInterface } from 'node:readline/promises';
import type { AuditOptions } from '../audit/run.js';
import type { AuditResult } from '../audit/types.js';
import { diffFindings, renderDiff } from '../apply/diff.js';
import { applySteps, resumeLatest, rollbackLatest, stepsToResume, stepsToRollBack, type EngineOptions } from '../apply/engine.js';
import type { ExecutionPolicy } from '../apply/execute.js';
import type { JournalEntry } from '../apply/journal.js';
import { openApplyTarget, type ApplyTarget } from './apply-target.js';
import { UserError } from '../util/errors.js';
import { printable } from '../util/printable.js';
import { filtersOf, hasFilters, parseCount, parseDuration, targetOf, type FilterOptions } from './fix-options.js';
import { readMigration } from '../writers/plan-file.js';
import { DEFAULT_MIGRATION_SETTINGS, selectFindings, type MigrationPlan } from '../plan/types.js';
import { planFix } from '../plan/planner.js';
import { describeApplyTimeouts, emitterFor } from '../dialects/emitters.js';
import type { Dialect } from '../model/types.js';
import type { ApplyDialect } from '../dialects/apply-types.js';
import { sessionSettings } from '../writers/common.js';
import { workloadSourcesOf, type CommandIo } from './audit-command.js';
import { EXIT_CLEAN, EXIT_FINDINGS } from './exit.js';
import { renderPlan } from './fix-command.js';
import { withConfiguredAudit, type ConfigCommandOptions } from './audit-config.js';
import { createProgress } from './progress.js';
import { silentProgress, type ProgressReporter } from '../util/progress.js';
import type { BuildWatch } from '../apply/build-progress.js';

/** Options of `dbdoctor apply`, as commander hands them over. */
export interface ApplyCommandOptions extends FilterOptions, ConfigCommandOptions {
  readonly from?: string;
  readonly yes?: boolean;
  readonly dryRun?: boolean;
  readonly rollback?: boolean;
  readonly resume?: boolean;
  readonly schema?: string[];
  readonly lockTimeout?: string;
  readonly statementTimeout?: string;
  readonly retries?: string;
  readonly retryDelay?: string;
  /** Run a plan folder whose steps were edited after dbdoctor wrote them (a reviewed change). */
  readonly acceptEdits?: boolean;
  /** PostgreSQL log files to read the queries from (repeatable). */
  readonly log?: string[];
  /** Files of SQL statements the application runs (repeatable). */
  readonly queries?: string[];
  /** `--progress` / `--quiet`: force progress (audit phases, index builds) on stderr on or off. */
  readonly progress?: boolean;
  readonly quiet?: boolean;
}

/** The CLI's io, plus how to ask for confirmation (a terminal prompt unless a test injects one). */
export interface ApplyIo extends CommandIo {
  readonly confirm?: (question: string) => Promise<boolean>;
  /** Replaces the waits between retries (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

async function terminalConfirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new UserError('not applying without confirmation: standard input is not a terminal; pass --yes to apply without asking');
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function mode(options: ApplyCommandOptions): 'apply' | 'resume' | 'rollback' {
  const chosen = [options.rollback && '--rollback', options.resume && '--resume', options.from !== undefined && '--from'].filter(Boolean);
  if (chosen.length > 1) throw new UserError(`${chosen.join(' and ')} cannot be combined`);
  if ((options.rollback || options.resume || options.from !== undefined) && (hasFilters(options) || options.schema !== undefined)) {
    throw new UserError(
      '--rule, --min-severity, --table and --schema choose findings for a new plan; they cannot be combined with --from, --resume or --rollback',
    );
  }
  return options.rollback ? 'rollback' : options.resume ? 'resume' : 'apply';
}

function policyOf(options: ApplyCommandOptions, plan: MigrationPlan | null): Partial<ExecutionPolicy> {
  const settings = plan?.settings ?? DEFAULT_MIGRATION_SETTINGS;
  return {
    lockTimeoutMs: options.lockTimeout !== undefined ? parseDuration(options.lockTimeout, '--lock-timeout') : settings.lockTimeoutMs,
    statementTimeoutMs:
      options.statementTimeout !== undefined ? parseDuration(options.statementTimeout, '--statement-timeout') : settings.statementTimeoutMs,
    ...(options.retries !== undefined ? { retries: parseCount(options.retries, '--retries') } : {}),
    ...(options.retryDelay !== undefined ? { retryDelayMs: parseDuration(options.retryDelay, '--retry-delay') } : {}),
  };
}

function entriesLines(entries: readonly JournalEntry[], direction: 'up' | 'down'): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    if (direction === 'down' && e.status === 'found-done') {
      lines.push(`  ${e.position}/${e.total}. left as it is: ${e.step.summary} [found done: an earlier run made it]`);
      continue;
    }
    lines.push(`  ${e.position}/${e.total}. ${direction === 'down' ? 'undo: ' : ''}${e.step.summary} [${e.status}]`);
    const statements = (
      direction === 'up' ? e.step.up.slice(e.upDone) : e.step.down.slice(e.status === 'rolling-back' ? e.downDone : 0)
    ).map((s) => s.sql);
    if (statements.length === 0 && direction === 'down') lines.push('       (cannot be undone)');
    for (const sql of statements) lines.push(`       ${sql}`);
  }
  return lines.map((l) => l.replace(/[\r\n]+/g, ' '));
}

/** The DDL emitter of the audited database's dialect. */
function emitterOf(audit: AuditResult): NonNullable<ReturnType<typeof emitterFor>> {
  const emitter = emitterFor(audit.model.dialect, audit.model.capabilities);
  if (emitter === null) throw new UserError(`dbdoctor cannot write ${audit.model.dialect} migrations yet`);
  return emitter;
}

/** Applies a plan (new, from a folder, resumed) or rolls back the last run; returns the exit code. */
export async function runApplyCommand(argument: string | undefined, options: ApplyCommandOptions, io: ApplyIo): Promise<number> {
  const which = mode(options);
  const filters = filtersOf(options);
  // Every line shows names from the database: none of their escape sequences or line breaks reaches the terminal.
  const out = (lines: readonly string[]): void => void io.stdout.write(lines.map((l) => `${printable(l)}\n`).join(''));
  const confirm = io.confirm ?? terminalConfirm;
  const fromPlan = options.from !== undefined ? await readMigration(options.from, { acceptEdits: options.acceptEdits === true }) : null;
  const policy = policyOf(options, fromPlan);
  // In the server's own settings (lock_timeout; lock_wait_timeout and MariaDB's max_statement_time; busy_timeout),
  // as the connected dialect sets them, or by dialect when no database is open (a dry run of a plan folder).
  const settingsLine = (dialect: Dialect | ApplyDialect): string => {
    const timeouts = { lockTimeoutMs: policy.lockTimeoutMs!, statementTimeoutMs: policy.statementTimeoutMs! };
    const session =
      typeof dialect !== 'object'
        ? describeApplyTimeouts(dialect, timeouts.lockTimeoutMs, timeouts.statementTimeoutMs)
        : dialect.describeTimeouts(timeouts);
    return `Session: ${session}; a statement that hits the lock timeout is retried up to ${policy.retries ?? 5} times with backoff.`;
  };

  // A dry run of a plan folder needs no database at all.
  if (fromPlan && options.dryRun) {
    out([
      `Plan from ${options.from}: ${fromPlan.steps.length} step${fromPlan.steps.length === 1 ? '' : 's'} (made for ${fromPlan.target.name})`,
      ...renderPlan(fromPlan, true),
      settingsLine(fromPlan.target.dialect),
      'Dry run: nothing was executed.',
    ]);
    return EXIT_CLEAN;
  }

  // The configuration and replicas apply to every audit of the run: silenced findings are not applied.
  const progress = createProgress(options, io.stderr);
  try {
    return await withConfiguredAudit(options, io, async (configured) => {
      const target = targetOf(argument, io.env);
      const open = await openApplyTarget(target);
      // The build's own connection is busy while it runs: a second one reads its progress (PostgreSQL reports it).
      const monitor = progress === silentProgress || !open.dialect.backendId ? null : await openApplyTarget(target).catch(() => null);
      try {
        return await applyOpen(open, which, options, io, configured, {
          filters,
          out,
          confirm,
          fromPlan,
          policy,
          settingsLine,
          progress,
          buildWatch: monitor ? { monitor: monitor.db, progress } : null,
        });
      } finally {
        await monitor?.close().catch(() => undefined);
      }
    });
  } finally {
    progress.done();
  }
}

async function applyOpen(
  open: ApplyTarget,
  which: ReturnType<typeof mode>,
  options: ApplyCommandOptions,
  io: ApplyIo,
  configured: Omit<AuditOptions, 'schemas'>,
  context: {
    filters: ReturnType<typeof filtersOf>;
    out: (lines: readonly string[]) => void;
    confirm: (question: string) => Promise<boolean>;
    fromPlan: MigrationPlan | null;
    policy: ReturnType<typeof policyOf>;
    settingsLine: (dialect: Dialect | ApplyDialect) => string;
    progress: ProgressReporter;
    buildWatch: BuildWatch | null;
  },
): Promise<number> {
  const { filters, out, confirm, fromPlan, policy, settingsLine, progress, buildWatch } = context;
  const engine: EngineOptions = {
    policy,
    log: (line) => out([line.replace(/[\r\n]+/g, ' ')]),
    ...(io.sleep ? { sleep: io.sleep } : {}),
    ...(buildWatch ? { buildWatch } : {}),
    dialect: open.dialect,
  };
  const name = open.name;
  try {
    const workloadSources = workloadSourcesOf(options, open.kind === 'postgres');
    const audit = (schemas: readonly string[]): Promise<AuditResult> =>
      open.audit({ schemas, ...configured, ...(workloadSources ? { workloadSources } : {}), progress });
    let before: AuditResult;
    let scope: readonly string[];

    if (which === 'apply') {
      let plan: MigrationPlan;
      if (fromPlan) {
        plan = fromPlan;
        scope = plan.schemas;
        before = await audit(scope);
        if (plan.target.database !== null && before.target.database !== plan.target.database) {
          out([
            `Note: the plan was made for database ${plan.target.database}; this is ${before.target.database}. Each drop is checked against the index the plan was made for before it runs.`,
          ]);
        }
      } else {
        scope = options.schema ?? [];
        before = await audit(scope);
        plan = planFix(selectFindings(before.findings, filters), before.model, {
          target: {
            name: before.target.name,
            database: before.target.database,
            serverVersion: before.target.serverVersion,
            dialect: before.model.dialect,
          },
          emitter: emitterOf(before),
          schemas: scope,
          settings: { lockTimeoutMs: policy.lockTimeoutMs!, statementTimeoutMs: policy.statementTimeoutMs! },
        });
      }
      out([
        `Plan: ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} for ${name}`,
        ...renderPlan(plan, true),
        settingsLine(open.dialect),
      ]);
      if (plan.steps.length === 0) {
        out(['Nothing to apply.']);
        return EXIT_CLEAN;
      }
      if (options.dryRun) {
        out([
          'Statements, in order:',
          ...sessionSettings({
            ...plan,
            settings: { lockTimeoutMs: policy.lockTimeoutMs!, statementTimeoutMs: policy.statementTimeoutMs! },
          }).map((s) => `  ${s};`),
          ...plan.steps.flatMap((s) => s.up.map((statement) => `  ${statement.sql};`)),
          'Dry run: nothing was executed.',
        ]);
        return EXIT_CLEAN;
      }
      if (
        !options.yes &&
        !(await confirm(`Apply these ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} to ${name}? [y/N] `))
      ) {
        out(['Not applied.']);
        return EXIT_FINDINGS;
      }
      await applySteps(open.db, plan.steps, { source: options.from ?? `audit of ${name}`, target: name }, engine);
    } else {
      scope = [];
      const entries = which === 'resume' ? await stepsToResume(open.db, engine) : await stepsToRollBack(open.db, engine);
      const verb = which === 'resume' ? 'Resume' : 'Roll back';
      // Steps the run found done are listed but not undone: an earlier run owns them.
      const work = entries.filter((e) => e.status !== 'found-done').length;
      out([
        `${verb} run ${entries[0]?.runId ?? ''}: ${work} step${work === 1 ? '' : 's'}`,
        ...entriesLines(entries, which === 'resume' ? 'up' : 'down'),
        settingsLine(open.dialect),
      ]);
      if (options.dryRun) {
        out(['Dry run: nothing was executed.']);
        return EXIT_CLEAN;
      }
      before = await audit(scope);
      if (work > 0 && !options.yes && !(await confirm(`${verb} these ${work} step${work === 1 ? '' : 's'} on ${name}? [y/N] `))) {
        out(['Nothing done.']);
        return EXIT_FINDINGS;
      }
      const outcome = which === 'resume' ? await resumeLatest(open.db, engine) : await rollbackLatest(open.db, engine);
      if (outcome.irreversible > 0)
        out([`${outcome.irreversible} step${outcome.irreversible === 1 ? '' : 's'} could not be undone (see above).`]);
    }

    const after = await audit(scope);
    const diff = diffFindings(before.findings, after.findings);
    out([which === 'rollback' ? 'Rolled back.' : 'Applied.', ...renderDiff(diff, which === 'rollback' ? 'rollback' : 'apply')]);
    return which !== 'rollback' && diff.appeared.some((f) => f.severity === 'critical') ? EXIT_FINDINGS : EXIT_CLEAN;
  } finally {
    await open.close().catch(() => undefined);
  }
}
