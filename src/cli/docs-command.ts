import { loadTimeoutOf } from './fix-options.js';
import { checkOutputFile } from '../util/output-path.js';
import { writeFile } from 'node:fs/promises';
import type { WorkloadSources } from '../audit/run.js';
import { auditTarget } from '../audit/run-target.js';
import type { AuditResult } from '../audit/types.js';
import { DEMO_RULE_OPTIONS, DEMO_WORKLOAD_SOURCES } from '../audit/demo.js';
import { buildStrategy, renderStrategyHtml, renderStrategyMarkdown } from '../report/docs/index.js';
import { UserError } from '../util/errors.js';
import { openTargetOrDemo, targetOf } from './target.js';
import type { CommandIo } from './audit-command.js';
import { resolveAuditConfiguration, type AuditConfiguration } from './audit-config.js';
import { EXIT_CLEAN } from './exit.js';
import { createProgress } from './progress.js';
import type { ProgressReporter } from '../util/progress.js';
import type { AuditTarget } from '../sources/open-target.js';

/** Options of `dbdoctor docs`, as commander hands them over. */
export interface DocsCommandOptions {
  /** `--strict`: a .sql target stops at its first failing statement instead of skipping it. */
  readonly strict?: boolean;
  /** `--load-timeout DURATION`: how long one statement of a .sql target may run while loading. */
  readonly loadTimeout?: string;
  /** `--python PATH`: the Python that imports SQLAlchemy models. */
  readonly python?: string;
  readonly demo?: boolean;
  /** `--stats-since DATE`: since when the usage statistics count. */
  readonly statsSince?: string;
  readonly format?: string;
  /** Where to write; default ./INDEX_STRATEGY.md (./INDEX_STRATEGY.html with --format html); `-` for standard output. */
  readonly output?: string;
  readonly schema?: string[];
  readonly log?: string[];
  readonly queries?: string[];
  readonly config?: string;
  readonly progress?: boolean;
  readonly quiet?: boolean;
}

/** Query sources: the demo's own queries, or the files given plus pg_stat_statements on a live server. */
function workloadSourcesOf(options: DocsCommandOptions, demo: boolean, liveServer: boolean): WorkloadSources | null {
  const logFiles = options.log ?? [];
  const queryFiles = options.queries ?? [];
  if (demo) return { ...DEMO_WORKLOAD_SOURCES, logFiles, queryFiles };
  if (!liveServer && logFiles.length === 0 && queryFiles.length === 0) return null;
  return { logFiles, queryFiles, statStatements: liveServer };
}

/** Audits the target with its workload and writes the index-strategy document; returns the exit code. */
export async function runDocsCommand(argument: string | undefined, options: DocsCommandOptions, io: CommandIo): Promise<number> {
  const format = options.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'html') throw new UserError(`unknown format "${format}" (choose markdown, html)`);
  const target = targetOf(argument, options, io.env);
  const configuration = await resolveAuditConfiguration(options.config, [], io.env, io.cwd ?? process.cwd(), options.statsSince);
  if (options.output !== undefined && options.output !== '-') await checkOutputFile(options.output);
  const progress = createProgress(options, io.stderr);
  let result: AuditResult;
  try {
    const open = await openTargetOrDemo(
      target,
      { strict: options.strict === true, ...loadTimeoutOf(options), ...(options.python ? { python: options.python } : {}) },
      progress,
    );
    result = await auditOpen(open, options, target === null, configuration.options, progress);
  } finally {
    progress.done();
  }
  return writeStrategy(result, format, options, io);
}

/** Audits the opened target with its workload (the demo's own, or the files and pg_stat_statements), then closes it. */
async function auditOpen(
  open: AuditTarget,
  options: DocsCommandOptions,
  isDemo: boolean,
  configured: AuditConfiguration['options'],
  progress: ProgressReporter,
): Promise<AuditResult> {
  try {
    const workloadSources = workloadSourcesOf(options, isDemo, open.info.kind === 'postgres');
    const demo = isDemo ? { ruleOptions: { ...DEMO_RULE_OPTIONS, ...configured.ruleOptions } } : {};
    return await auditTarget(open, {
      schemas: options.schema ?? [],
      ...configured,
      ...demo,
      ...(workloadSources ? { workloadSources } : {}),
      progress,
    });
  } finally {
    await open.close().catch(() => undefined);
  }
}

/** Writes the document where asked and says what it holds. */
async function writeStrategy(result: AuditResult, format: string, options: DocsCommandOptions, io: CommandIo): Promise<number> {
  const doc = buildStrategy(result);
  const text = format === 'html' ? renderStrategyHtml(doc) : renderStrategyMarkdown(doc);
  const output = options.output ?? (format === 'html' ? './INDEX_STRATEGY.html' : './INDEX_STRATEGY.md');
  if (output === '-') {
    io.stdout.write(text);
    return EXIT_CLEAN;
  }
  try {
    await writeFile(output, text);
  } catch (error) {
    throw new UserError(`cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const indexes = doc.tables.reduce((n, t) => n + t.indexes.length, 0);
  io.stdout.write(
    `wrote ${output}: ${doc.tables.length} tables, ${indexes} indexes, ${doc.topQueries.length > 0 ? doc.workloadSummary : 'no workload'}; ${doc.remove.length} to remove, ${doc.add.length} to add, ${doc.reindex.length} to reindex\n`,
  );
  return EXIT_CLEAN;
}
