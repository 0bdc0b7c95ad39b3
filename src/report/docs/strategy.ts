/**
 * The index-strategy document as data: for every table its type and the evidence for it, the
 * query patterns that reach it, every index with the queries it serves, its size, scans and
 * write cost; what the analysis recommends removing and adding; and the maintenance schedule.
 * Renderers (markdown.ts, html.ts) only lay it out.
 */
import type { AuditResult } from '../../audit/types.js';
import type { TableClassification } from '../../rules/context/classify-types.js';
import type { Finding } from '../../rules/types.js';
import type { Index, Table } from '../../model/types.js';
import type { QueryPattern } from '../../model/workload.js';
import { fixAction } from '../format.js';
import { decidePlan } from '../../plan/planner.js';
import { reportEntries, type ReportEntry } from '../analysis/entries.js';
import { emitterFor } from '../../dialects/emitters.js';
import { renderKeys, type KeySyntax } from '../../semantics/render.js';
import { plansUsing, queriesOnTable, queryPrefixUse } from '../../rules/_workload-evidence.js';
import { estimateBtreeBloat, type BloatEstimate } from './bloat.js';
import { rerunAdvice, statisticsAgeDays, tableMaintenance, type TableMaintenance } from './maintenance.js';

/** A query as the document shows it. */
export interface QueryLine {
  readonly text: string;
  readonly calls: number | null;
  readonly totalMs: number | null;
  readonly meanMs: number | null;
}

/** One index of a table, with what it is for. */
export interface IndexEntry {
  readonly name: string;
  readonly definition: string;
  /** The method, keys, INCLUDE columns and predicate, written as the dialect writes them. */
  readonly shape: string;
  readonly sizeBytes: number | null;
  readonly scans: number | null;
  /** Table writes since the statistics reset that also wrote an entry of this index (inserts and non-HOT updates). */
  readonly entryWrites: number | null;
  readonly enforces: string | null;
  /** Queries that use its leading keys, with how many keys. */
  readonly serves: readonly (QueryLine & { readonly keysUsed: number; readonly plannerPicksIt: boolean | null })[];
  /** A finding says to drop it although queries of the workload use it (an unused-index verdict where another index took its scans, say). */
  readonly conflict: string | null;
  /** What the findings say to do with it. */
  readonly verdicts: readonly { readonly rule: string; readonly action: string; readonly message: string }[];
  readonly bloat: BloatEstimate;
}

/** One table's section. */
export interface TableSection {
  readonly schema: string;
  readonly table: string;
  readonly classification: TableClassification | null;
  readonly rows: number | null;
  readonly sizeBytes: number | null;
  readonly indexesSizeBytes: number | null;
  readonly queries: readonly QueryLine[];
  readonly indexes: readonly IndexEntry[];
  readonly maintenance: TableMaintenance | null;
}

/** A recommended change to one object (an index to drop or replace, one to create), with every reason for it. */
export interface Recommendation {
  /** The most severe reason's rule. */
  readonly rule: string;
  /** Every rule that found something about the object, most severe first. */
  readonly rules: readonly string[];
  readonly severity: Finding['severity'];
  readonly schema: string;
  readonly table: string;
  readonly index: string | null;
  /** The most severe reason's message. */
  readonly message: string;
  /** Every reason, most severe first. */
  readonly reasons: readonly string[];
  /** What the fix plan does to it. */
  readonly action: string;
  readonly up: readonly string[];
}

/** A REINDEX candidate. */
interface ReindexCandidate {
  readonly schema: string;
  readonly index: string;
  readonly table: string;
  readonly actualBytes: number;
  readonly expectedBytes: number;
  readonly bloatFraction: number;
}

/** The whole document. */
export interface StrategyDocument {
  readonly title: string;
  readonly target: string;
  readonly generatedAt: string;
  readonly statisticsSince: string | null;
  readonly statisticsAgeDays: number | null;
  readonly workloadSummary: string;
  readonly topQueries: readonly (QueryLine & { readonly tables: readonly string[] })[];
  readonly tables: readonly TableSection[];
  readonly remove: readonly Recommendation[];
  readonly add: readonly Recommendation[];
  readonly reindex: readonly ReindexCandidate[];
  readonly rerun: readonly string[];
  /** What could not be seen or done (workload notes, planner notes, hypopg). */
  readonly notes: readonly string[];
}

/** Settings of the document. */
export interface StrategyOptions {
  /** An index is a REINDEX candidate from this estimated bloat (0..1)… */
  readonly reindexMinBloat: number;
  /** …and this many wasted bytes. */
  readonly reindexMinWastedBytes: number;
  /** Queries listed in the "expected query patterns" section. */
  readonly topQueries: number;
}

const DEFAULT_STRATEGY_OPTIONS: StrategyOptions = { reindexMinBloat: 0.3, reindexMinWastedBytes: 1024 * 1024, topQueries: 15 };

/** `USING gin (keys) INCLUDE (…) WHERE …`: what an index is, without its name and table. */
function indexShape(index: Index, syntax: KeySyntax | null): string {
  const keys = syntax === null ? index.keys.map((k) => k.column ?? k.expression).join(', ') : renderKeys(index.keys, syntax);
  const include = index.include.length > 0 ? ` INCLUDE (${index.include.join(', ')})` : '';
  const where = index.predicate !== null ? ` WHERE ${index.predicate}` : '';
  return `${index.unique ? 'UNIQUE ' : ''}${index.method === 'btree' ? '' : `USING ${index.method} `}(${keys})${include}${where}`;
}

function line(q: QueryPattern): QueryLine {
  return { text: q.text, calls: q.calls, totalMs: q.totalMs, meanMs: q.meanMs };
}

function byWeight(a: QueryPattern, b: QueryPattern): number {
  return (b.totalMs ?? 0) - (a.totalMs ?? 0) || (b.calls ?? 0) - (a.calls ?? 0) || a.text.localeCompare(b.text);
}

/**
 * `index` is to be dropped (`drops`) while a query of the workload uses it and no index that stays
 * serves as many of that query's keys: say so, whichever rule proposed the drop.
 */
function conflictOf(
  index: Index,
  served: readonly { q: QueryPattern; keys: number }[],
  others: readonly Index[],
  drops: ReadonlySet<Index>,
  rules: readonly string[],
): string | null {
  if (rules.length === 0) return null;
  const stranded = served.filter((x) => !others.some((o) => o !== index && !drops.has(o) && o.valid && queryPrefixUse(o, x.q) >= x.keys));
  if (stranded.length === 0) return null;
  const calls = stranded.reduce((n, x) => n + (x.q.calls ?? 0), 0);
  return `${rules.join(', ')} ${rules.length === 1 ? 'says' : 'say'} to drop it, but ${stranded.length} workload ${stranded.length === 1 ? 'query uses' : 'queries use'} it${calls > 0 ? ` (${calls.toLocaleString('en-US')} calls)` : ''} and no index that stays would serve ${stranded.length === 1 ? 'it' : 'them'} as well: keep it, or keep the index that serves ${stranded.length === 1 ? 'that query' : 'those queries'} now`;
}

function indexEntry(
  index: Index,
  table: Table,
  result: AuditResult,
  queries: readonly QueryPattern[],
  others: readonly Index[],
  drops: ReadonlySet<Index>,
): IndexEntry {
  const plannedBy = new Set(plansUsing(result.plans, index.name));
  const used = queries
    .map((q) => ({ q, keys: queryPrefixUse(index, q) }))
    .filter((x) => x.keys > 0)
    .sort((a, b) => byWeight(a.q, b.q));
  const serves = used.map((x) => ({
    ...line(x.q),
    keysUsed: x.keys,
    plannerPicksIt: result.plans ? plannedBy.has(x.q.fingerprint) : null,
  }));
  const verdicts = result.findings
    .filter((f) => f.schema === index.schema && f.table === index.table && f.index === index.name)
    .map((f) => ({ rule: f.rule, action: fixAction(f), message: f.message }));
  const u = table.usage;
  const dropRules = [...new Set(verdicts.filter((v) => v.action === 'drop').map((v) => v.rule))];
  const conflict = drops.has(index) ? conflictOf(index, used, others, drops, dropRules) : null;
  return {
    name: index.name,
    conflict,
    definition: index.definition,
    shape: indexShape(index, emitterFor(result.model.dialect, result.model.capabilities, result.model.tables)?.keySyntax ?? null),
    sizeBytes: index.sizeBytes,
    scans: index.usage?.scans ?? null,
    entryWrites: u ? u.inserts + u.updates - u.hotUpdates : null,
    enforces: index.constraint ? `${index.constraint.type} constraint ${index.constraint.name}` : index.unique ? 'uniqueness' : null,
    serves,
    verdicts,
    bloat: estimateBtreeBloat(index, table),
  };
}

function recommendation(e: ReportEntry): Recommendation {
  const first = e.findings[0]!;
  return {
    rule: first.rule,
    rules: [...new Set(e.findings.map((f) => f.rule))],
    severity: e.severity,
    schema: e.schema,
    table: e.table,
    index: e.name,
    message: first.message,
    reasons: e.findings.map((f) => f.message),
    action: e.decision.summary,
    up: e.decision.up,
  };
}

/** Builds the document from an audit result (with its workload and plans, when there were any). */
export function buildStrategy(result: AuditResult, options: Partial<StrategyOptions> = {}): StrategyDocument {
  const settings = { ...DEFAULT_STRATEGY_OPTIONS, ...options };
  const model = result.model;
  const workload = result.workload;
  const ageDays = statisticsAgeDays(model);
  const classification = new Map(result.tables.map((c) => [`${c.schema}.${c.table}`, c]));
  const tables: TableSection[] = [];
  // The indexes the fix plan drops, checked as a whole: what the document calls "to remove".
  const decision = decidePlan(result.findings, model);
  const dropped = new Set(
    decision.accepted.flatMap(({ action }) =>
      action.kind === 'drop-index' || action.kind === 'drop-constraint' ? [`${action.index.schema}.${action.index.name}`] : [],
    ),
  );
  const entries = reportEntries(result, decision);
  const drops = new Set(model.indexes.filter((i) => dropped.has(`${i.schema}.${i.name}`)));
  const reindex: ReindexCandidate[] = [];
  for (const table of [...model.tables].sort((a, b) => a.schema.localeCompare(b.schema) || a.name.localeCompare(b.name))) {
    const c = classification.get(`${table.schema}.${table.name}`) ?? null;
    const queries = workload ? queriesOnTable(workload, { schema: table.schema, name: table.name }).sort(byWeight) : [];
    const onTable = model.indexes
      .filter((i) => i.schema === table.schema && i.table === table.name)
      .sort((a, b) => a.name.localeCompare(b.name));
    const indexes = onTable.map((i) => indexEntry(i, table, result, queries, onTable, drops));
    for (const entry of indexes) {
      const b = entry.bloat;
      if (b.status === 'estimated' && b.bloatFraction >= settings.reindexMinBloat && b.wastedBytes >= settings.reindexMinWastedBytes) {
        reindex.push({
          schema: table.schema,
          table: table.name,
          index: entry.name,
          actualBytes: b.actualBytes,
          expectedBytes: b.expectedBytes,
          bloatFraction: b.bloatFraction,
        });
      }
    }
    tables.push({
      schema: table.schema,
      table: table.name,
      classification: c,
      rows: table.rowEstimate,
      sizeBytes: table.sizeBytes,
      indexesSizeBytes: table.indexesSizeBytes,
      queries: queries.map(line),
      indexes,
      maintenance: tableMaintenance(
        table,
        c?.type ?? 'unknown',
        model,
        ageDays,
        queries.some((q) =>
          q.columnUses.some(
            (u) => u.kind === 'range' && u.table.table === table.name && (u.table.schema === null || u.table.schema === table.schema),
          ),
        ),
      ),
    });
  }
  const notes: string[] = [];
  if (workload) {
    notes.push(...workload.notes);
    if (workload.unparsed.length > 0) notes.push(`${workload.unparsed.length} statement(s) could not be parsed and are not analysed.`);
  }
  if (result.plans) {
    notes.push(...result.plans.notes);
    // Proposals hypopg measured and the analysis dropped: said, so nobody adds them by hand.
    const texts = new Map((workload?.queries ?? []).map((q) => [q.fingerprint, q.text]));
    for (const c of result.plans.candidates) {
      const v = c.verification;
      const isLog = classification.get(`${c.schema}.${c.table}`)?.type === 'log';
      if (v.status === 'verified' && isLog && v.saving < result.plans.settings.minSavingLogTable) {
        notes.push(
          `Not proposed: ${c.proposal.definition} would cut the plan cost of ${texts.get(c.fingerprint) ?? c.fingerprint} by ${(v.saving * 100).toFixed(0)}%, below the ${(result.plans.settings.minSavingLogTable * 100).toFixed(0)}% a log table requires (every insert would also write it).`,
        );
        continue;
      }
      if (v.status !== 'rejected') continue;
      notes.push(
        `Considered and rejected: ${c.proposal.definition} for ${texts.get(c.fingerprint) ?? c.fingerprint}: ${v.reason} (plan cost ${v.costBefore.toFixed(0)} → ${v.costAfter.toFixed(0)}).`,
      );
    }
    const skipped = result.plans.plans.filter((p) => p.status === 'skipped').length;
    if (skipped > 0)
      notes.push(
        `${skipped} statement(s) were not planned: only plain SELECTs are (EXPLAIN of a write statement would take a ROW EXCLUSIVE lock).`,
      );
  }
  const sorted = workload ? [...workload.queries].sort(byWeight) : [];
  return {
    title: `Index strategy: ${result.target.kind === 'demo' ? 'the demo application' : (result.target.database ?? result.target.name)}`,
    target: result.target.name,
    generatedAt: model.database.readAt,
    statisticsSince: model.database.statsResetAt,
    statisticsAgeDays: ageDays,
    workloadSummary: workload
      ? `${workload.queries.length} query pattern(s)${workload.unparsed.length > 0 ? `, ${workload.unparsed.length} unparsed` : ''}`
      : 'no workload: no query source was given or found, so indexes are not tied to queries',
    topQueries: sorted
      .slice(0, settings.topQueries)
      .map((q) => ({ ...line(q), tables: q.tables.map((t) => (t.schema ? `${t.schema}.${t.table}` : t.table)) })),
    tables,
    // One recommendation per object, from the plan checked as a whole (an index with three reasons is removed once).
    remove: entries.filter((e) => e.decision.kind === 'drop' || e.decision.kind === 'change').map(recommendation),
    add: entries.filter((e) => e.decision.kind === 'create').map(recommendation),
    reindex: reindex.sort((a, b) => b.actualBytes * b.bloatFraction - a.actualBytes * a.bloatFraction),
    rerun: rerunAdvice(model, ageDays, workload !== null && workload.queries.length > 0),
    notes,
  };
}
