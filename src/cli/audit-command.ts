import { loadTimeoutOf } from './fix-options.js';
import { writeFile } from 'node:fs/promises';
import type { WorkloadSources } from '../audit/run.js';
import { auditTarget } from '../audit/run-target.js';
import type { AuditResult } from '../audit/types.js';
import { DEMO_RULE_OPTIONS, DEMO_WORKLOAD_SOURCES } from '../audit/demo.js';
import { applyBaseline, readBaseline } from '../audit/baseline.js';
import { UserError } from '../util/errors.js';
import { checkOutputFile } from '../util/output-path.js';
import { openTargetOrDemo, printTargetWarnings, targetOf } from './target.js';
import { getReporter, reporters } from '../report/index.js';
import { exitCodeFor, EXIT_CLEAN, type FailOn } from './exit.js';
import { openReplicas, resolveAuditConfiguration } from './audit-config.js';
import { modelsAnnotation } from '../sources/models/open.js';
import { createProgress, type ProgressStream } from './progress.js';

/** Options of `dbdoctor audit`, as commander hands them over. */
export interface AuditCommandOptions {
  readonly demo?: boolean;
  /** `--stats-since DATE`: since when the usage statistics count. */
  readonly statsSince?: string;
  /** `--strict`: a .sql target stops at its first failing statement instead of skipping it. */
  readonly strict?: boolean;
  /** `--load-timeout DURATION`: how long one statement of a .sql target may run while loading. */
  readonly loadTimeout?: string;
  /** `--python PATH`: the Python that imports SQLAlchemy models. */
  readonly python?: string;
  /** `--dialect`: the dialect SQLAlchemy models are compiled for. */
  readonly dialect?: 'postgresql' | 'sqlite';
  /** `--models PATH`: the SQLAlchemy models of the audited database (locations, model-drift). */
  readonly models?: string;
  /** `--baseline FILE`: an earlier JSON report whose findings are known. */
  readonly baseline?: string;
  readonly format?: string;
  readonly output?: string;
  readonly schema?: string[];
  readonly failOn: FailOn;
  /** A dbdoctor.config.json / .yaml file; default: the one in the working directory, if any. */
  readonly config?: string;
  /** Standby URLs whose index usage counts too (repeatable). */
  readonly replica?: string[];
  /** PostgreSQL log files to read queries from (repeatable). */
  readonly log?: string[];
  /** Files of SQL statements the application runs (repeatable). */
  readonly queries?: string[];
  /** `--progress` / `--quiet`: force progress on stderr on or off (default: on when stderr is a terminal). */
  readonly progress?: boolean;
  readonly quiet?: boolean;
}

/** Where the process writes; injectable for tests. */
export interface CommandIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** Where a config file is looked for; default: process.cwd(). */
  readonly cwd?: string;
  /** Where progress goes (never stdout); none when absent. */
  readonly stderr?: ProgressStream;
}

/** The query sources to read: the files given, and pg_stat_statements when the target is a live server. */
export function workloadSourcesOf(options: Pick<AuditCommandOptions, 'log' | 'queries'>, liveServer: boolean): WorkloadSources | null {
  const logFiles = options.log ?? [];
  const queryFiles = options.queries ?? [];
  if (!liveServer && logFiles.length === 0 && queryFiles.length === 0) return null;
  return { logFiles, queryFiles, statStatements: liveServer };
}

/** Runs an audit and prints or writes the report; returns the exit code. */
export async function runAuditCommand(argument: string | undefined, options: AuditCommandOptions, io: CommandIo): Promise<number> {
  const formatName = options.format ?? 'text';
  const reporter = getReporter(formatName);
  if (!reporter) throw new UserError(`unknown format "${formatName}" (choose ${Object.keys(reporters).join(', ')})`);
  const target = targetOf(argument, options, io.env);
  if (options.output !== undefined) await checkOutputFile(options.output);
  const baseline = options.baseline !== undefined ? await readBaseline(options.baseline) : null;
  const configuration = await resolveAuditConfiguration(
    options.config,
    options.replica ?? [],
    io.env,
    io.cwd ?? process.cwd(),
    options.statsSince,
  );
  const replicas = await openReplicas(configuration.replicaUrls);
  const progress = createProgress(options, io.stderr);
  let result: AuditResult;
  let warnings: readonly string[];
  try {
    const open = await openTargetOrDemo(
      target,
      {
        strict: options.strict === true,
        ...loadTimeoutOf(options),
        ...(options.python ? { python: options.python } : {}),
        ...(options.dialect ? { dialect: options.dialect } : {}),
      },
      progress,
    );
    warnings = open.warnings ?? [];
    try {
      // The demo brings its own workload (its queries as a query file), plus any files given.
      const workloadSources =
        target === null
          ? { ...DEMO_WORKLOAD_SOURCES, logFiles: options.log ?? [], queryFiles: options.queries ?? [] }
          : workloadSourcesOf(options, open.info.kind === 'postgres');
      // The demo's tables are small stand-ins: its size thresholds are scaled down with them (a config still wins).
      const demo = target === null ? { ruleOptions: { ...DEMO_RULE_OPTIONS, ...configuration.options.ruleOptions } } : {};
      result = await auditTarget(open, {
        ...(options.models ? { annotateModel: await modelsAnnotation(options.models) } : {}),
        schemas: options.schema ?? [],
        ...configuration.options,
        ...demo,
        replicas: replicas.replicas,
        ...(workloadSources ? { workloadSources } : {}),
        progress,
      });
    } finally {
      await open.close().catch(() => undefined);
    }
  } finally {
    progress.done();
    await replicas.close();
  }
  // After the spinner has stopped, so each warning is a line of its own.
  printTargetWarnings({ warnings }, io.stderr);
  if (baseline !== null) result = applyBaseline(result, baseline);
  const toTerminal = options.output === undefined && io.stdout.isTTY === true;
  const color = toTerminal && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
  const report = reporter.render(result, { color });
  if (options.output !== undefined) {
    try {
      await writeFile(options.output, report);
    } catch (error) {
      throw new UserError(`cannot write ${options.output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  } else {
    io.stdout.write(report);
  }
  // The demo is a showcase, not a gate.
  return options.demo ? EXIT_CLEAN : exitCodeFor(result.findings, options.failOn);
}
