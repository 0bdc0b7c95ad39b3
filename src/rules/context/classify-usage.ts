/**
 * What a table's usage statistics say about its type: how much is written (inserts, updates,
 * deletes, HOT updates), how it is read (sequential and index scans, rows read), and how the
 * writes split between appending rows and changing them.
 */
import type { Table, TableUsage } from '../../model/types.js';
import type { Confidence, TableType } from './classify-types.js';
import { formatCount } from '../../util/numbers.js';

/** Thresholds of the statistics classifier (a subset of RuleOptions). */
export interface UsageThresholds {
  readonly classifyMinActivity: number;
  readonly logMinInserts: number;
  readonly logMinInsertsPerScan: number;
  readonly logMaxUpdatesPerInsert: number;
  readonly logMinInsertShare: number;
}

/** A verdict from statistics: the type, how sure, and the numbers in words. */
export interface UsageVerdict {
  readonly type: Exclude<TableType, 'junction' | 'unknown'>;
  readonly confidence: Confidence;
  readonly evidence: readonly string[];
  /** True when the table is append-mostly and write-heavy per scan but below the volume thresholds. */
  readonly appendOnlyButSmall?: boolean;
}

/** Why a table's statistics cannot decide, in words. */
export interface TooYoung {
  readonly type: null;
  readonly reason: string;
}

const RATIO = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

function n(value: number): string {
  return formatCount(value);
}

function pct(fraction: number): string {
  return `${RATIO.format(fraction * 100)}%`;
}

/** The sum of several usages (the leaf partitions of a partitioned table). */
export function sumUsage(usages: readonly TableUsage[]): TableUsage | null {
  if (usages.length === 0) return null;
  // Field by field rather than over Object.keys: rules call this once per index of large schemas.
  let seqScans = 0,
    seqTuplesRead = 0,
    indexScans = 0,
    indexTuplesFetched = 0,
    inserts = 0,
    updates = 0,
    hotUpdates = 0,
    deletes = 0,
    liveTuples = 0,
    deadTuples = 0;
  for (const u of usages) {
    seqScans += u.seqScans;
    seqTuplesRead += u.seqTuplesRead;
    indexScans += u.indexScans;
    indexTuplesFetched += u.indexTuplesFetched;
    inserts += u.inserts;
    updates += u.updates;
    hotUpdates += u.hotUpdates;
    deletes += u.deletes;
    liveTuples += u.liveTuples;
    deadTuples += u.deadTuples;
  }
  return {
    seqScans,
    seqTuplesRead,
    indexScans,
    indexTuplesFetched,
    inserts,
    updates,
    hotUpdates,
    deletes,
    liveTuples,
    deadTuples,
    lastVacuum: null,
    lastAutovacuum: null,
    lastAnalyze: null,
    lastAutoanalyze: null,
  };
}

/**
 * Classifies a table from its counters: `log` when it takes many inserts (at least
 * `logMinInserts`, and `logMinInsertShare` of all inserts), far more inserted rows than scans,
 * and its rows are updated at most about once (a status settling); `transaction` otherwise,
 * with more confidence the more its reads outnumber its writes. Null type when the counters
 * hold too little activity to tell.
 */
export function classifyByUsage(
  table: Table,
  usage: TableUsage,
  totalInserts: number,
  since: string,
  t: UsageThresholds,
): UsageVerdict | TooYoung {
  const scans = usage.seqScans + usage.indexScans;
  const writes = usage.inserts + usage.updates + usage.deletes;
  const activity = writes + scans;
  if (activity < t.classifyMinActivity) {
    return {
      type: null,
      reason: `only ${n(activity)} writes and scans since ${since} (fewer than ${n(t.classifyMinActivity)}): too few to judge by statistics`,
    };
  }
  const rowsRead = usage.seqTuplesRead + usage.indexTuplesFetched;
  const updatesPerInsert = usage.inserts === 0 ? Infinity : usage.updates / usage.inserts;
  const insertsPerScan = usage.inserts / Math.max(1, scans);
  const share = totalInserts === 0 ? 0 : usage.inserts / totalInserts;
  const evidence = [
    `${n(usage.inserts)} inserts, ${n(usage.updates)} updates (${n(usage.hotUpdates)} HOT), ${n(usage.deletes)} deletes since ${since}`,
    `${n(scans)} scans (${n(usage.seqScans)} sequential, ${n(usage.indexScans)} index) read ${n(rowsRead)} rows`,
  ];
  // Inserts and nothing else: rows are appended and never changed, which is what a log is however
  // often it is read (an audit trail a dashboard reads is still a log). A few hundred such rows are as
  // likely an entity or lookup table loaded once: then a log-like name decides (classify.ts).
  const appendOnly = usage.inserts > 0 && usage.updates === 0 && usage.deletes === 0;
  const appendOnlyLine = `append-only: ${n(usage.inserts)} inserts and no updates or deletes since ${since}`;
  if (appendOnly && usage.inserts >= t.logMinInserts) return { type: 'log', confidence: 'high', evidence: [...evidence, appendOnlyLine] };
  if (writes === 0) {
    return { type: 'transaction', confidence: 'medium', evidence: [...evidence, `no writes since ${since}: read-only so far`] };
  }
  const appendMostly = updatesPerInsert <= t.logMaxUpdatesPerInsert;
  const writeHeavy = insertsPerScan >= t.logMinInsertsPerScan;
  // A database with many log tables gives each a small share: far more inserts than scans is enough then.
  const bigVolume = usage.inserts >= t.logMinInserts && (share >= t.logMinInsertShare || insertsPerScan >= 10 * t.logMinInsertsPerScan);
  if (appendMostly && writeHeavy && bigVolume) {
    return {
      type: 'log',
      confidence: 'high',
      evidence: [
        ...evidence,
        `${RATIO.format(insertsPerScan)} rows inserted per scan: write-heavy`,
        `${RATIO.format(updatesPerInsert)} updates per inserted row: append-mostly`,
        `${pct(share)} of all inserts into the audited tables`,
      ],
    };
  }
  const writesPerScan = writes / Math.max(1, scans);
  const why: string[] = [];
  if (!appendMostly)
    why.push(
      `${usage.inserts === 0 ? 'updates without inserts' : `${RATIO.format(updatesPerInsert)} updates per inserted row`}: rows are edited, not appended`,
    );
  if (!writeHeavy) why.push(`${RATIO.format(insertsPerScan)} rows inserted per scan: read more than written`);
  if (appendMostly && writeHeavy && !bigVolume) {
    why.push(`only ${n(usage.inserts)} inserts, ${pct(share)} of all inserts into the audited tables: low write volume`);
  }
  if (appendOnly) why.push(`${appendOnlyLine}, under the ${n(t.logMinInserts)} inserts that make a log by volume alone`);
  return {
    type: 'transaction',
    confidence: writesPerScan <= 1 ? 'high' : 'medium',
    evidence: [...evidence, ...why],
    ...((appendMostly && writeHeavy && !bigVolume) || appendOnly ? { appendOnlyButSmall: true } : {}),
  };
}
