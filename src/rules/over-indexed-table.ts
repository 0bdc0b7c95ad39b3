import type { Capabilities, ForeignKey, Index, SchemaModel, Table } from '../model/types.js';
import type { TableClassification } from './context/classify-types.js';
import { defineRule } from './define-rule.js';
import { hasRealTraffic, keyList, tableEvidence } from './_evidence.js';
import { whyNotDroppable } from '../semantics/coverage.js';
import { columnOf, formatBytes, formatCount, indexEntryWritesOf, percent, statisticsCaveat, times } from './_statistics.js';
import { servesForeignKey } from '../semantics/foreign-keys.js';
import { dropAction } from './_actions.js';
import type { AuditFacts, EvidenceValue, Finding, RuleOptions } from './types.js';
import type { Workload } from '../model/workload.js';
import { sameTable } from '../sql/resolve.js';
import { matchIndex } from '../semantics/query-match.js';

/** What one index of a log table costs and does. */
interface IndexReview {
  readonly index: Index;
  readonly scans: number | null;
  /** Why it must stay whatever its usage (constraint, foreign key, …), or null. */
  readonly mustStay: string | null;
  readonly unused: boolean;
  readonly barelyUsed: boolean;
  /** Leads with a date/time column: what a log table is read by. */
  readonly timeLeading: boolean;
  /** Why its leading column is a high-cardinality text column, or null. */
  readonly highCardinalityText: string | null;
}

function mustStay(index: Index, capabilities: Capabilities): string | null {
  if (!index.valid) return 'it is invalid (see invalid-index), though still maintained on every write';
  const structural = whyNotDroppable(index, capabilities);
  if (structural !== null) return structural;
  if (index.unique) return index.constraint ? `it enforces ${index.constraint.name}` : 'it enforces uniqueness';
  if (index.constraint !== null) return `it implements ${index.constraint.name}`;
  return null;
}

function highCardinalityText(index: Index, table: Table, options: RuleOptions): string | null {
  const column = columnOf(table, index.keys[0]?.column ?? null);
  if (!column || column.typeCategory !== 'string' || column.statistics === null) return null;
  const { distinctValues, averageWidth } = column.statistics;
  const rows = table.rowEstimate ?? 0;
  const reasons: string[] = [];
  if (distinctValues !== null && rows >= options.cardinalityMinRows && distinctValues >= rows * options.overIndexedTextDistinctRatio) {
    reasons.push(`~${formatCount(distinctValues)} distinct values in ~${formatCount(rows)} rows`);
  }
  if (averageWidth >= options.overIndexedTextWidthBytes) reasons.push(`values average ${averageWidth} bytes`);
  return reasons.length === 0 ? null : `${column.name} is high-cardinality text (${reasons.join(', ')})`;
}

function review(
  index: Index,
  table: Table,
  entryWrites: number | null,
  options: RuleOptions,
  facts: AuditFacts,
  model: SchemaModel,
): IndexReview {
  // Scans on every node read: an index scanned only on a standby is used.
  const scans = facts.usage.scans(index);
  const leading = columnOf(table, index.keys[0]?.column ?? null);
  return {
    index,
    scans,
    mustStay: mustStay(index, model.capabilities),
    unused: scans === 0,
    barelyUsed: scans !== null && scans > 0 && entryWrites !== null && scans * options.overIndexedWritesPerScan < entryWrites,
    timeLeading: leading?.typeCategory === 'datetime',
    highCardinalityText: highCardinalityText(index, table, options),
  };
}

/**
 * The indexes to drop: droppable, and unused or barely used (a barely used index on the time
 * column stays: time ranges are what a log table is read by). An index that is the last one
 * serving a foreign key stays too, or dropping it would trade this finding for unindexed-foreign-key.
 */
function suggestedDrops(
  reviews: readonly IndexReview[],
  foreignKeys: readonly ForeignKey[],
  capabilities: Capabilities,
): { drops: IndexReview[]; keptForForeignKey: Map<IndexReview, ForeignKey> } {
  const drops = reviews.filter((r) => r.mustStay === null && (r.unused || (r.barelyUsed && !r.timeLeading)));
  const keptForForeignKey = new Map<IndexReview, ForeignKey>();
  for (const fk of foreignKeys) {
    const serving = reviews.filter((r) => servesForeignKey(r.index, fk, capabilities));
    if (serving.length === 0 || serving.some((r) => !drops.includes(r))) continue;
    // Keep the most used (then smallest) one that serves it.
    const keep = [...serving].sort((a, b) => (b.scans ?? 0) - (a.scans ?? 0) || (a.index.sizeBytes ?? 0) - (b.index.sizeBytes ?? 0))[0]!;
    drops.splice(drops.indexOf(keep), 1);
    keptForForeignKey.set(keep, fk);
  }
  return { drops, keptForForeignKey };
}

/** A known query an index could serve, and the other indexes of the table that serve it as well or better. */
interface KnownUse {
  readonly query: string;
  readonly alsoServedBy: readonly string[];
}

/**
 * For each index, the known queries it could serve (null when no source of queries was read):
 * an index with no scans that a known query could use tells that the planner preferred another
 * path, or that the query did not run while the statistics were counting.
 */
function knownUses(workload: Workload | null, table: Table, indexes: readonly Index[], facts: AuditFacts): Map<Index, KnownUse[]> | null {
  if (workload === null || (workload.sources ?? []).length === 0) return null;
  const uses = new Map<Index, KnownUse[]>(indexes.map((i) => [i, []]));
  for (const query of facts.queriesOn(table)) {
    for (const group of query.groups) {
      if (!sameTable(group.table, table)) continue;
      const matches = indexes
        .map((index) => ({ index, match: matchIndex(group, index, facts.matchOptions) }))
        .filter((m) => m.match.serves);
      for (const { index, match } of matches) {
        const list = uses.get(index)!;
        if (list.some((u) => u.query === query.text)) continue;
        const others = matches.filter((m) => m.index !== index && m.match.usableKeys >= match.usableKeys).map((m) => m.index.name);
        list.push({ query: query.text, alsoServedBy: others });
      }
    }
  }
  return uses;
}

function verdict(r: IndexReview, drops: readonly IndexReview[], keptForForeignKey: Map<IndexReview, ForeignKey>): string {
  const fk = keptForForeignKey.get(r);
  if (fk) return `keep: the only index serving foreign key ${fk.name}`;
  if (drops.includes(r)) return r.unused ? 'drop: unused' : 'drop: barely used';
  if (r.mustStay !== null) return `keep: ${r.mustStay}`;
  if (r.scans === null) return 'keep: usage unknown';
  if (r.barelyUsed && r.timeLeading) return 'keep: time-range index, the access path a log table needs';
  return 'keep: used';
}

/** Caveats of dropping several indexes of a log table, beyond what the emitter says of each statement. */
const DROP_NOTES = [
  'Index scans count since the statistics were last reset: check that no rare but important query (a monthly report, an incident runbook) relies on these indexes.',
];

/**
 * A log (append-mostly, write-heavy) table carrying more indexes than its reads need: unused or
 * barely used indexes, indexes on high-cardinality text (URLs, user agents, payloads), or simply
 * more indexes than a log table should have. Every index is written on every insert; one finding
 * per table, with the drops that pay off and what they save.
 */
export const overIndexedTable = defineRule({
  id: 'over-indexed-table',
  severity: 'medium',
  docs: { description: 'Log (write-heavy) tables with unused, barely used or high-cardinality text indexes that every insert pays for.' },
  check({ model, lookup, options, tableTypes, workload, facts }) {
    const findings: Finding[] = [];
    const caveat = statisticsCaveat(facts.trust);
    for (const table of model.tables) {
      if (table.kind !== 'table') continue;
      const classification = tableTypes.of(table.schema, table.name);
      if (classification?.type !== 'log') continue;
      // Every index that is ready is maintained on every insert, valid or not.
      const indexes = lookup.indexesOf(table).filter((i) => i.ready);
      const entryWrites = indexEntryWritesOf(table.usage);
      const reviews = indexes.map((i) => review(i, table, entryWrites, options, facts, model));
      const { drops, keptForForeignKey } = suggestedDrops(reviews, lookup.foreignKeysOf(table), model.capabilities);
      const wideText = reviews.filter((r) => r.highCardinalityText !== null && !drops.includes(r));
      const tooMany = indexes.length > options.overIndexedMaxIndexes;
      if (drops.length === 0 && wideText.length === 0 && !tooMany) continue;
      const queries = knownUses(workload, table, indexes, facts);
      findings.push(
        findingFor(table, classification, reviews, drops, keptForForeignKey, wideText, entryWrites, caveat, queries, options, model),
      );
    }
    return findings;
  },
});

function findingFor(
  table: Table,
  classification: TableClassification,
  reviews: readonly IndexReview[],
  drops: readonly IndexReview[],
  keptForForeignKey: Map<IndexReview, ForeignKey>,
  wideText: readonly IndexReview[],
  entryWrites: number | null,
  caveat: string | null,
  queries: Map<Index, KnownUse[]> | null,
  options: RuleOptions,
  model: SchemaModel,
): Finding {
  const where = `${table.schema}.${table.name}`;
  const n = reviews.length;
  const usage = table.usage;
  const inserts = usage?.inserts ?? null;
  const savedBytes = drops.reduce((sum, r) => sum + (r.index.sizeBytes ?? 0), 0);
  const sizesKnown = drops.every((r) => r.index.sizeBytes !== null);
  const names = (list: readonly IndexReview[]): string => list.map((r) => r.index.name).join(', ');

  const problems: string[] = [];
  if (drops.length > 0) {
    const unused = drops.filter((r) => r.unused);
    const barely = drops.filter((r) => !r.unused);
    const annotated = unused.map((r) => (r.highCardinalityText !== null ? `${r.index.name}, on high-cardinality text` : r.index.name));
    if (unused.length > 0) problems.push(`${unused.length} never scanned since the statistics reset (${annotated.join('; ')})`);
    if (barely.length > 0) {
      problems.push(
        `${barely.length} scanned less than once per ${formatCount(options.overIndexedWritesPerScan)} index writes (${barely.map((r) => `${r.index.name} scanned ${times(r.scans ?? 0)}`).join(', ')})`,
      );
    }
  }
  for (const r of wideText) problems.push(`${r.index.name} indexes ${r.highCardinalityText} and was scanned ${times(r.scans ?? 0)}`);
  if (problems.length === 0) problems.push(`more than the ${options.overIndexedMaxIndexes} indexes a log table should need`);

  const writes = inserts === null ? '' : ` (${formatCount(inserts)} inserts since the statistics reset)`;
  const message =
    `${where} is a log table (${classification.confidence} confidence) with ${n} indexes, so every insert writes ${n} index entries${writes}: ${problems.join('; ')}.` +
    (caveat !== null && drops.length > 0 ? ` But ${caveat}` : '');

  // A drop that some known query could use with no other index serving it as well: say so, the planner or the schedule may still need it.
  const onlyPath = queries === null ? [] : drops.filter((r) => (queries.get(r.index) ?? []).some((u) => u.alsoServedBy.length === 0));
  const keepTime = reviews.filter((r) => r.timeLeading && !drops.includes(r)).map((r) => r.index.name);
  let help: string;
  if (drops.length > 0) {
    const saving = `${sizesKnown ? `${formatBytes(savedBytes)} and ` : ''}${drops.length} of ${n} index writes per insert`;
    help = `Drop ${names(drops)}: saves ${saving}${keepTime.length > 0 ? `; keep ${keepTime.join(', ')} for time-range reads` : ''}.`;
    if (onlyPath.length > 0) {
      help += ` Check first: ${names(onlyPath)} ${onlyPath.length === 1 ? 'is' : 'are'} the only index a known query could use (evidence.indexes[].knownQueries), though no plan used ${onlyPath.length === 1 ? 'it' : 'them'} enough to count.`;
    }
    if (wideText.length > 0)
      help += ` Also review ${names(wideText)}: if those lookups matter, a hash index or an index on a short prefix or hash of the text costs less.`;
  } else if (wideText.length > 0) {
    help = `Review ${names(wideText)}: high-cardinality text is costly to index on every insert; if the lookups matter, a hash index or an index on a short prefix or hash of the text costs less, otherwise drop it and read by time range.`;
  } else {
    help = `Check which queries need each of the ${n} indexes; log tables are read by time range, and partitioning by time (see partition-candidate) serves that without an index per access path.`;
  }

  const indexesEvidence: EvidenceValue[] = reviews.map((r) => ({
    name: r.index.name,
    definition: r.index.definition,
    sizeBytes: r.index.sizeBytes,
    scans: r.scans,
    scansPerThousandIndexWrites: r.scans !== null && entryWrites ? Number(((r.scans * 1000) / entryWrites).toFixed(3)) : null,
    highCardinalityText: r.highCardinalityText,
    verdict: verdict(r, drops, keptForForeignKey),
    ...(queries === null
      ? {}
      : { knownQueries: (queries.get(r.index) ?? []).map((u) => ({ query: u.query, alsoServedBy: [...u.alsoServedBy] })) }),
  }));
  const severity =
    drops.length > 0 && caveat === null && hasRealTraffic(table, options) && classification.confidence !== 'low'
      ? ('medium' as const)
      : ('low' as const);
  return {
    rule: 'over-indexed-table',
    severity,
    schema: table.schema,
    table: table.name,
    ...(drops.length > 0 ? { columns: [...new Set(drops.flatMap((r) => keyList(r.index)))] } : {}),
    message,
    help,
    evidence: {
      tableType: {
        type: classification.type,
        confidence: classification.confidence,
        source: classification.source,
        evidence: [...classification.evidence],
      },
      table: tableEvidence(table),
      indexWritesPerInsert: n,
      indexEntryWritesSinceStatsReset: entryWrites === null ? null : entryWrites * n,
      insertShareOfWrites:
        usage && usage.inserts + usage.updates + usage.deletes > 0
          ? percent(usage.inserts / (usage.inserts + usage.updates + usage.deletes))
          : null,
      indexes: indexesEvidence,
      suggestedDrops: drops.map((r) => r.index.name),
      statisticsConclusive: caveat === null,
      savings: {
        bytes: sizesKnown ? savedBytes : null,
        indexWritesPerInsert: drops.length,
        indexWritesPerInsertAfter: n - drops.length,
        indexEntryWritesSinceStatsReset: entryWrites === null ? null : entryWrites * drops.length,
      },
    },
    // Drops rest on "no scans": only offered as a fix once the statistics are conclusive.
    ...(drops.length > 0 && caveat === null ? { actions: drops.map((r) => dropAction(r.index, model)), fixNotes: DROP_NOTES } : {}),
  };
}
