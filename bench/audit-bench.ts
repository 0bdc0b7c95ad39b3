/**
 * `npm run bench`: how long an audit of a large PostgreSQL schema takes and how much memory it
 * needs, against a baseline of fetching the same catalog rows with plain queries.
 *
 * Creates its own database `dbdoctor_bench_<pid>` on the server at DBDOCTOR_BENCH_PG (default
 * postgres://postgres@127.0.0.1:5432/test) and always drops it, on error and on SIGINT too.
 *
 * Environment: DBDOCTOR_BENCH_PG (server URL), DBDOCTOR_BENCH_TABLES_PER_SCHEMA (default 625,
 * four schemas), DBDOCTOR_BENCH_RUNS (measured runs, default 3, after one warm-up).
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type pg from 'pg';
import { auditModel, auditPostgres } from '../src/audit/run.js';
import type { AuditResult } from '../src/audit/types.js';
import { introspectPostgres } from '../src/dialects/postgres/introspect/index.js';
import {
  COLUMNS_QUERY,
  COLUMN_STATS_QUERY,
  DATABASE_QUERY,
  EXTENSIONS_QUERY,
  SETTINGS_QUERY,
  FOREIGN_KEYS_QUERY,
  EQUALITY_OPFAMILIES_QUERY,
  REFERENCED_COLUMNS_QUERY,
  OPCLASSES_QUERY,
  COLLATIONS_QUERY,
  INDEX_DEFINITIONS_QUERY,
  OTHER_RELATIONS_QUERY,
  SCHEMAS_QUERY,
  TABLES_QUERY,
  TABLE_USAGE_QUERY,
  featuresFor,
  indexUsageQuery,
  indexesQuery,
} from '../src/dialects/postgres/introspect/queries.js';
import type { SchemaModel } from '../src/model/types.js';
import { clientCpuMs, fmtInt, fmtMs, heapAfterGcMb, maxRssMb, median, serverCpuMs, table, timed, timingQueryable } from './measure.js';
import type { SingleAuditReport } from './single-audit.js';
import { INDEXES_PER_TABLE, buildSchema, schemaNames, type SchemaShape } from './schema.js';
import { BASELINE_QUERIES, baseline } from './baseline.js';
import { DB_NAME, SERVER_URL, close, connect, createDatabase, dropDatabase, log, urlFor, wasInterrupted } from './database.js';

const RUNS = Math.max(1, Number(process.env.DBDOCTOR_BENCH_RUNS ?? 3));
const SHAPE: SchemaShape = {
  schemas: 4,
  tablesPerSchema: Math.max(10, Number(process.env.DBDOCTOR_BENCH_TABLES_PER_SCHEMA ?? 625)),
  chunkSize: 25,
};
const BUILD_CONNECTIONS = Math.max(1, Math.min(4, os.availableParallelism()));
const TARGET = { kind: 'postgres', name: 'bench' } as const;
const MAX_RATIO = 2;
const MAX_RSS_MB = 300;

const execFileAsync = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// One size: warm-up + RUNS measured rounds of baseline, introspection + rules, and auditPostgres.

interface Cost {
  readonly ms: number;
  /** CPU time of this process (parsing rows, building the model, rules). */
  readonly clientCpuMs: number;
  /** CPU time of the server backend (running the queries); null when not measurable. */
  readonly serverCpuMs: number | null;
}

interface SizeResult {
  readonly label: string;
  readonly schemas: readonly string[];
  readonly baseline: Cost;
  readonly baselineRows: number;
  readonly baselinePerQuery: Map<string, number>;
  readonly introspect: Cost;
  readonly rulesMs: number;
  readonly audit: Cost;
  readonly perQuery: Map<string, number>;
  readonly result: AuditResult;
}

function queryLabeler(serverVersionNum: number): (text: string) => string {
  const features = featuresFor(serverVersionNum);
  const known = new Map<string, string>([
    [DATABASE_QUERY, 'database'],
    [SCHEMAS_QUERY, 'schemas'],
    [TABLES_QUERY, 'tables'],
    [COLUMNS_QUERY, 'columns'],
    [COLUMN_STATS_QUERY, 'column statistics'],
    [SETTINGS_QUERY, 'settings'],
    [EXTENSIONS_QUERY, 'extensions'],
    [indexesQuery(features), 'indexes'],
    [FOREIGN_KEYS_QUERY, 'foreign keys'],
    [EQUALITY_OPFAMILIES_QUERY, 'foreign keys: equality operator families'],
    [REFERENCED_COLUMNS_QUERY, 'foreign keys: referenced columns out of scope'],
    [OPCLASSES_QUERY, 'operator classes'],
    [COLLATIONS_QUERY, 'collations'],
    [INDEX_DEFINITIONS_QUERY, 'index definitions the server prints'],
    [OTHER_RELATIONS_QUERY, 'other relations (names a new index cannot take)'],
    [TABLE_USAGE_QUERY, 'table usage'],
    [indexUsageQuery(features), 'index usage'],
  ]);
  return (text) =>
    known.get(text) ??
    (/^\s*(BEGIN|SET|SAVEPOINT|RELEASE|ROLLBACK|SELECT pg_catalog.set_config)/i.test(text)
      ? 'session control (a savepoint waits while rows are mapped)'
      : text.trim().slice(0, 40));
}

/** Runs `fn` and measures wall time, this process's CPU and the server backend's CPU. */
async function costOf<T>(backendPid: number | null, fn: () => Promise<T> | T): Promise<{ value: T; cost: Cost }> {
  const server0 = serverCpuMs(backendPid);
  const client0 = clientCpuMs();
  const { value, ms } = await timed(fn);
  const server1 = serverCpuMs(backendPid);
  return {
    value,
    cost: { ms, clientCpuMs: clientCpuMs() - client0, serverCpuMs: server0 === null || server1 === null ? null : server1 - server0 },
  };
}

function medianCost(costs: readonly Cost[]): Cost {
  const server = costs.map((c) => c.serverCpuMs);
  return {
    ms: median(costs.map((c) => c.ms)),
    clientCpuMs: median(costs.map((c) => c.clientCpuMs)),
    serverCpuMs: server.every((s): s is number => s !== null) ? median(server) : null,
  };
}

async function measureSize(
  client: pg.Client,
  backendPid: number | null,
  label: string,
  schemas: readonly string[],
  labeler: (text: string) => string,
): Promise<SizeResult> {
  const timing = timingQueryable(client, labeler);
  const auditOptions = { schemas };
  const series = { baseline: [] as Cost[], introspect: [] as Cost[], rules: [] as number[], audit: [] as Cost[] };
  const baselinePerQuery = new Map<string, number[]>();
  let baselineRows = 0;
  let result: AuditResult | null = null;
  for (let run = 0; run <= RUNS; run++) {
    const warmUp = run === 0;
    // Collect the previous round's garbage first, so that no run pays for another's.
    // eslint-disable-next-line no-useless-assignment -- releases the last round's result before the heap is measured
    result = null;
    heapAfterGcMb();
    const base = await costOf(backendPid, () => baseline(client, schemas));
    const introspection = await costOf(backendPid, () => introspectPostgres(timing.db, { schemas }));
    const model: SchemaModel = introspection.value;
    const rules = await timed(() => auditModel(model, TARGET, auditOptions));
    heapAfterGcMb();
    const audit = await costOf(backendPid, () => auditPostgres(client, TARGET, auditOptions));
    timing.endRun(!warmUp);
    if (!warmUp) {
      series.baseline.push(base.cost);
      series.introspect.push(introspection.cost);
      series.rules.push(rules.ms);
      series.audit.push(audit.cost);
      for (const [q, ms] of base.value.perQuery) baselinePerQuery.set(q, [...(baselinePerQuery.get(q) ?? []), ms]);
    }
    baselineRows = base.value.rows;
    result = audit.value;
    log(
      `  ${label} ${warmUp ? 'warm-up' : `run ${run}/${RUNS}`}: baseline ${fmtMs(base.cost.ms)} ms, introspection ${fmtMs(introspection.cost.ms)} ms, ` +
        `rules ${fmtMs(rules.ms)} ms, audit ${fmtMs(audit.cost.ms)} ms`,
    );
  }
  const medians = (m: Map<string, number[]>): Map<string, number> => new Map([...m].map(([k, v]) => [k, median(v)]));
  return {
    label,
    schemas,
    baseline: medianCost(series.baseline),
    baselineRows,
    baselinePerQuery: medians(baselinePerQuery),
    introspect: medianCost(series.introspect),
    rulesMs: median(series.rules),
    audit: medianCost(series.audit),
    perQuery: medians(timing.times),
    result: result!,
  };
}

/** One audit in a fresh process (bench/single-audit.ts): the peak memory the CLI would see. */
async function singleAudit(url: string): Promise<SingleAuditReport> {
  const script = fileURLToPath(new URL('./single-audit.js', import.meta.url));
  const { stdout } = await execFileAsync(process.execPath, ['--expose-gc', script, url], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as SingleAuditReport;
}

/**
 * The full audit with a workload of two query patterns per table (read as a query file, planner
 * off): what tying every index to the queries on its table costs on top of the catalog audit.
 */
async function measureWorkload(client: pg.Client, schemas: readonly string[], tables: number): Promise<{ ms: number; patterns: number }> {
  const perSchema = Math.ceil(tables / schemas.length);
  const statements: string[] = [];
  for (const schema of schemas) {
    for (let i = 0; i < perSchema; i++) {
      const table = `${schema}.t${String(i).padStart(5, '0')}`;
      statements.push(
        `SELECT * FROM ${table} WHERE a = 1 AND b > 2 ORDER BY d LIMIT 10;`,
        `SELECT id FROM ${table} WHERE status = 1 AND e = 2;`,
      );
    }
  }
  const options = { schemas, workloadSources: { queryText: statements.join('\n'), statStatements: false }, planner: false } as const;
  log(`audit with a workload of ${fmtInt(statements.length)} statements (1 warm-up + ${RUNS} runs) …`);
  let patterns = 0;
  const times: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    heapAfterGcMb();
    const { value, ms } = await timed(() => auditPostgres(client, TARGET, options));
    patterns = value.workload?.queries.length ?? 0;
    if (run > 0) times.push(ms);
  }
  return { ms: median(times), patterns };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const schemas = schemaNames(SHAPE);
  const expectedTables = SHAPE.schemas * SHAPE.tablesPerSchema;
  const loadAtStart = os.loadavg()[0]!;
  log(`dbdoctor bench: database ${DB_NAME} on ${new URL(SERVER_URL).host}`);
  await createDatabase();

  log(
    `building ${fmtInt(expectedTables)} tables with ${fmtInt(expectedTables * INDEXES_PER_TABLE)} indexes in ${SHAPE.schemas} schemas on ${BUILD_CONNECTIONS} connections …`,
  );
  let lastReport = performance.now();
  const build = await timed(() =>
    buildSchema(urlFor(DB_NAME), SHAPE, BUILD_CONNECTIONS, (done, total) => {
      if (performance.now() - lastReport > 10_000 || done === total) {
        lastReport = performance.now();
        log(`  ${done}/${total} chunks`);
      }
    }),
  );
  log(`built in ${(build.ms / 1000).toFixed(1)} s`);

  const client = await connect(urlFor(DB_NAME));
  const info = (
    await client.query<{ server_version: string; server_version_num: number; pid: number; local: boolean }>(
      `SELECT current_setting('server_version') AS server_version, current_setting('server_version_num')::int AS server_version_num,
              pg_backend_pid() AS pid, inet_server_addr() IS NULL OR inet_server_addr() = inet_client_addr() AS local`,
    )
  ).rows[0]!;
  const backendPid = info.local ? info.pid : null;
  const labeler = queryLabeler(info.server_version_num);

  log(`one audit in a fresh process (peak memory) …`);
  const single = await singleAudit(urlFor(DB_NAME));
  log(`  ${fmtMs(single.ms)} ms, peak RSS ${single.maxRssMb.toFixed(0)} MB`);

  log(`measuring (1 warm-up + ${RUNS} runs each) …`);
  const rssBeforeAudits = maxRssMb();
  const full = await measureSize(client, backendPid, 'full', schemas, labeler);
  const rssAfterFull = maxRssMb();
  const heapWithResult = heapAfterGcMb();
  const subset = await measureSize(client, backendPid, 'subset', schemas.slice(0, 1), labeler);
  const withWorkload = await measureWorkload(client, schemas, expectedTables);
  await close(client);
  const rssPeak = maxRssMb();

  // ---- Report --------------------------------------------------------------------------------
  const out: string[] = [];
  const s = full.result.summary;
  const load = `load average ${loadAtStart.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end`;
  out.push('');
  out.push(
    `dbdoctor audit benchmark — PostgreSQL ${info.server_version}, Node ${process.version}, ${os.availableParallelism()} CPUs (${load})`,
  );
  out.push(
    `schema: ${fmtInt(s.tables)} tables, ${fmtInt(s.indexes)} indexes, ${fmtInt(s.foreignKeys)} foreign keys in ${SHAPE.schemas} schemas, built in ${(build.ms / 1000).toFixed(1)} s`,
  );
  out.push(
    `times: median of ${RUNS} runs after 1 warm-up; CPU = this process + the server backend${backendPid === null ? ' (server CPU not measurable: server not local)' : ''}`,
  );
  out.push('');

  const cpu = (c: Cost): number => c.clientCpuMs + (c.serverCpuMs ?? 0);
  const perIndexUs = (ms: number, r: SizeResult): string => ((ms * 1000) / Math.max(1, r.result.summary.indexes)).toFixed(1);
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  const col = (r: SizeResult): string => `${r.label} (${r.schemas.length === 1 ? r.schemas[0] : `${r.schemas.length} schemas`})`;
  const both = (f: (r: SizeResult) => string): [string, string] => [f(full), f(subset)];
  out.push(
    table(
      ['', col(full), col(subset)],
      [
        ['tables', ...both((r) => fmtInt(r.result.summary.tables))],
        ['indexes', ...both((r) => fmtInt(r.result.summary.indexes))],
        ['foreign keys', ...both((r) => fmtInt(r.result.summary.foreignKeys))],
        ['findings', ...both((r) => fmtInt(r.result.summary.findings))],
        ['baseline: raw catalog rows (ms)', ...both((r) => fmtMs(r.baseline.ms))],
        ['  rows fetched', ...both((r) => fmtInt(r.baselineRows))],
        ['introspectPostgres (ms)', ...both((r) => fmtMs(r.introspect.ms))],
        ['auditModel: rules (ms)', ...both((r) => fmtMs(r.rulesMs))],
        ['auditPostgres: full audit (ms)', ...both((r) => fmtMs(r.audit.ms))],
        [`audit / baseline, wall (target < ${MAX_RATIO}x)`, ...both((r) => ratio(r.audit.ms, r.baseline.ms))],
        [
          'baseline CPU: client + server (ms)',
          ...both((r) => `${fmtMs(r.baseline.clientCpuMs)} + ${r.baseline.serverCpuMs === null ? '?' : fmtMs(r.baseline.serverCpuMs)}`),
        ],
        [
          'audit CPU: client + server (ms)',
          ...both((r) => `${fmtMs(r.audit.clientCpuMs)} + ${r.audit.serverCpuMs === null ? '?' : fmtMs(r.audit.serverCpuMs)}`),
        ],
        ['audit / baseline, CPU', ...both((r) => ratio(cpu(r.audit), cpu(r.baseline)))],
        ['baseline per index (µs)', ...both((r) => perIndexUs(r.baseline.ms, r))],
        ['introspection per index (µs)', ...both((r) => perIndexUs(r.introspect.ms, r))],
        ['rules per index (µs)', ...both((r) => perIndexUs(r.rulesMs, r))],
        ['audit per index (µs)', ...both((r) => perIndexUs(r.audit.ms, r))],
      ],
    ),
  );
  out.push('');

  const rules = [...new Set([...Object.keys(full.result.summary.byRule), ...Object.keys(subset.result.summary.byRule)])].sort();
  out.push(
    table(
      ['findings by rule', col(full), col(subset)],
      rules.map((r) => [r, ...both((x) => fmtInt(x.result.summary.byRule[r] ?? 0))]),
    ),
  );
  out.push('');

  const queries = [...new Set([...full.perQuery.keys(), ...subset.perQuery.keys()])];
  const share = (r: SizeResult, q: string): string =>
    `${fmtMs(r.perQuery.get(q) ?? 0)} (${(((r.perQuery.get(q) ?? 0) / r.introspect.ms) * 100).toFixed(0)}%)`;
  out.push(
    table(
      ['introspection query, wall ms (% of introspection)', col(full), col(subset)],
      queries.map((q) => [q, ...both((r) => share(r, q))]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['baseline query, wall ms', col(full), col(subset)],
      BASELINE_QUERIES.map(([q]) => [q, ...both((r) => fmtMs(r.baselinePerQuery.get(q) ?? 0))]),
    ),
  );
  out.push('');

  const mb = (v: number | null): string => (v === null ? 'n/a (needs --expose-gc)' : `${v.toFixed(1)} MB`);
  out.push(
    table(
      [`memory (target < ${MAX_RSS_MB} MB)`, 'value'],
      [
        ['one full audit in a fresh process: peak RSS', mb(single.maxRssMb)],
        ['  of which before the audit (node, pg, dbdoctor)', mb(single.rssBeforeMb)],
        ['  heap used after gc, holding the result', mb(single.heapAfterGcMb)],
        ['  wall time (cold server caches for this connection)', `${fmtMs(single.ms)} ms`],
        ['this benchmark process: peak RSS before its audits', mb(rssBeforeAudits)],
        ['  peak RSS after the full-size runs', mb(rssAfterFull)],
        ['  peak RSS at end', mb(rssPeak)],
        ['  heap used after gc, holding one full audit result', mb(heapWithResult)],
      ],
    ),
  );
  out.push('');
  out.push(
    table(
      ['with a workload (query file, planner off)', 'value'],
      [
        ['query patterns', fmtInt(withWorkload.patterns)],
        ['full audit with the workload (ms)', fmtMs(withWorkload.ms)],
        ['  / the same audit without it', `${(withWorkload.ms / full.audit.ms).toFixed(2)}x`],
      ],
    ),
  );
  out.push('');
  const fullRatio = full.audit.ms / full.baseline.ms;
  out.push(
    `verdict: audit/baseline ${fullRatio.toFixed(2)}x wall, ${(cpu(full.audit) / cpu(full.baseline)).toFixed(2)}x CPU — ${fullRatio < MAX_RATIO ? 'within' : 'OVER'} the ${MAX_RATIO}x target; ` +
      `peak RSS of one audit ${single.maxRssMb.toFixed(0)} MB — ${single.maxRssMb < MAX_RSS_MB ? 'within' : 'OVER'} the ${MAX_RSS_MB} MB target`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  // After an interrupt, the build's sessions fail because the database is being dropped: expected.
  if (!wasInterrupted()) log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await dropDatabase().catch((error: unknown) => {
    process.exitCode = 1;
    log(`could not drop ${DB_NAME}: ${String(error)}`);
  });
}
