/**
 * How far the audit's usage statistics can be trusted. `summary.statistics` is filled in by the
 * audit when it knows; older results (and other producers of an AuditResult) lack it, so the
 * report derives what it can from the model instead of failing.
 */
import type { AuditResult } from '../../audit/types.js';
import { isScratchCopy } from '../../model/target.js';
import { ageInDays } from '../../rules/context/trust.js';

/** Statistics framing every number in the report. */
export interface StatisticsFacts {
  /** When the cumulative statistics were last reset, null if unknown. */
  readonly resetAt: string | null;
  /** Days the statistics cover, null if unknown. */
  readonly ageDays: number | null;
  /** True when old enough to call an index unused; null when that cannot be told. */
  readonly trustworthy: boolean | null;
  /** What limits the statistics, in words. */
  readonly notes: readonly string[];
  /** Usage statistics (scans, writes) were readable at all. */
  readonly readable: boolean;
  /** Why there are no usage statistics, in a few words; null when they were readable. */
  readonly unreadable: string | null;
  /** Each node's statistics window when replicas were read too (empty otherwise). */
  readonly nodes: readonly { readonly node: string; readonly ageDays: number | null }[];
}

/** Statistics younger than this are not trusted when the audit itself does not say. */
const DEFAULT_MIN_STATS_AGE_DAYS = 7;

function daysBetween(from: string, to: string): number | null {
  return ageInDays(from, to);
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function nodesOf(raw: readonly unknown[]): StatisticsFacts['nodes'] {
  return raw.flatMap((n) => {
    if (typeof n !== 'object' || n === null) return [];
    const { node, ageDays } = n as { readonly node?: unknown; readonly ageDays?: unknown };
    return typeof node === 'string' ? [{ node, ageDays: typeof ageDays === 'number' ? ageDays : null }] : [];
  });
}

/** The audit's own statement about its statistics, when it made one. */
function declaredStatistics(result: AuditResult): Partial<StatisticsFacts> | null {
  const raw = (result.summary as { readonly statistics?: unknown }).statistics;
  if (typeof raw !== 'object' || raw === null) return null;
  const s = raw as { readonly [key: string]: unknown };
  return {
    ...(typeof s.resetAt === 'string' || s.resetAt === null ? { resetAt: s.resetAt } : {}),
    ...(typeof s.ageDays === 'number' && Number.isFinite(s.ageDays) ? { ageDays: s.ageDays } : {}),
    ...(typeof s.trustworthy === 'boolean' ? { trustworthy: s.trustworthy } : {}),
    ...(isStringArray(s.notes) ? { notes: s.notes } : {}),
    ...(Array.isArray(s.nodes) ? { nodes: nodesOf(s.nodes as readonly unknown[]) } : {}),
  };
}

/** What the report can say about the statistics: the audit's statement, else derived from the model. */
export function statisticsFacts(result: AuditResult): StatisticsFacts {
  const { database, capabilities } = result.model;
  const declared = declaredStatistics(result) ?? {};
  const resetAt = declared.resetAt !== undefined ? declared.resetAt : database.statsResetAt;
  const ageDays = declared.ageDays ?? (resetAt === null ? null : daysBetween(resetAt, database.readAt));
  const readable = capabilities.usageStatistics;
  const trustworthy = declared.trustworthy ?? (!readable ? false : ageDays === null ? null : ageDays >= DEFAULT_MIN_STATS_AGE_DAYS);
  return {
    resetAt,
    ageDays,
    trustworthy,
    notes: declared.notes ?? [],
    readable,
    // A scratch copy (schema file, models) never had statistics: not a missing grant.
    unreadable: readable
      ? null
      : !isScratchCopy(result.target.kind)
        ? 'usage statistics could not be read'
        : result.target.kind === 'models'
          ? 'models have no usage statistics'
          : 'a schema file has no usage statistics',
    nodes: (declared.nodes ?? []).length > 1 ? (declared.nodes ?? []) : [],
  };
}

/** `3.5 days`, `1 day`, `5 hours`. */
export function describeAge(days: number): string {
  if (days < 1) {
    const hours = Math.round(days * 24);
    return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  }
  const rounded = days < 10 ? Math.round(days * 10) / 10 : Math.round(days);
  return `${rounded} ${rounded === 1 ? 'day' : 'days'}`;
}

/**
 * The "Statistics and limitations" lines every format prints: the audit's own notes on its
 * statistics when it made them (else one derived from the reset time), then what it could not see.
 */
export function limitationLines(result: AuditResult, facts: StatisticsFacts): string[] {
  const lines: string[] = [];
  if (facts.notes.length > 0) lines.push(...facts.notes);
  else if (!facts.readable) {
    // A scratch copy (schema file, models) says why it has no statistics in its own limitation line.
    if (!isScratchCopy(result.target.kind))
      lines.push('Usage statistics (scans, writes) could not be read: unused indexes and write costs are unknown.');
  } else if (facts.ageDays !== null) {
    lines.push(
      `Scans and writes were counted over ${describeAge(facts.ageDays)}${facts.resetAt ? `, since ${facts.resetAt}` : ''}${facts.trustworthy === false ? '; that is too short to call an index unused' : ''}.`,
    );
  } else
    lines.push(
      'The statistics have no reset time: they may cover the whole life of the server, or very little. Take "never scanned" with care.',
    );
  for (const node of facts.nodes)
    lines.push(`Node ${node.node}: statistics ${node.ageDays === null ? 'never reset' : `cover ${describeAge(node.ageDays)}`}.`);
  for (const l of result.summary.limitations) if (!lines.includes(l)) lines.push(l);
  return lines;
}
