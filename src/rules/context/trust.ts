/**
 * How far the cumulative statistics (scans, writes) can be trusted. Every conclusion drawn from
 * "no scans" or "many inserts" is only as good as the period the counters cover: a reset an hour
 * ago, a database created yesterday, counters switched off or a role that cannot read them all
 * make "never scanned" meaningless. Rules and the report ask this helper instead of guessing.
 */
import type { SchemaModel, StatisticsNode, Table } from '../../model/types.js';

/** The thresholds the verdict depends on (a subset of RuleOptions). */
export interface StatisticsTrustOptions {
  /** Statistics younger than this many days are too young to call an index unused. */
  readonly minStatsAgeDays: number;
  /** Fewer writes and scans than this across the audited tables: a brand-new or idle database. */
  readonly minStatsActivity: number;
  /**
   * Since when the user says the statistics count (an ISO date or timestamp), for statistics the
   * server says were never reset and cannot date; null when not given.
   */
  readonly statsSince?: string | null;
}

/** Since when the statistics count, and how that is known. */
interface StatisticsSince {
  readonly at: string;
  readonly source: StatisticsSinceSource;
}

/** How the start of the statistics is known. */
type StatisticsSinceSource =
  /** The server recorded an explicit reset (pg_stat_reset). */
  | 'reset'
  /** The server proves it: the database was created then, and the cluster's statistics have counted since before that. */
  | 'server'
  /** The user said so (`--stats-since`, `statsSince`). */
  | 'user';

/** One server's statistics window (the primary, or a replica given with `--replica`). */
export interface NodeStatistics {
  /** The node's name: a URL without credentials, or the target's name. */
  readonly node: string;
  readonly resetAt: string | null;
  /** Days since `resetAt`; null when never reset (the age is then not recorded anywhere). */
  readonly ageDays: number | null;
}

/** The verdict on the statistics, as the JSON report's `summary.statistics`. */
export interface StatisticsTrust {
  /** When the primary's counters were last reset; null when never (or unknown). */
  readonly resetAt: string | null;
  /** Days the counters cover, rounded to 0.1; null when the reset time is unknown. */
  readonly ageDays: number | null;
  /** True when "no scans" and write counts can be taken at face value. */
  readonly trustworthy: boolean;
  /** Writes plus scans since the reset over the audited tables; null when unreadable. */
  readonly activity: number | null;
  /** Why the statistics are (not) trustworthy, one sentence each, for the report. */
  readonly notes: readonly string[];
  /** Every node whose index usage was read, the primary first (only with replicas). */
  readonly nodes?: readonly NodeStatistics[];
  /** Since when the statistics are known to count, and how that is known; null when nothing dates them. */
  readonly since?: StatisticsSince | null;
}

const DAY_MS = 86_400_000;

/** Parses PostgreSQL's text form of a timestamptz (`2026-01-02 03:04:05.678+00`), an ISO timestamp or a bare date. */
function parseTimestamp(text: string | null): number | null {
  if (text === null) return null;
  // A bare date (`2026-01-31`) ends in digits that look like a `-01` offset: only a time carries one.
  const trimmed = text.trim();
  const iso = /\d:\d\d/.test(trimmed) ? trimmed.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00') : trimmed;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Since when the primary's statistics count: an explicit reset the server recorded; else the
 * date the user gave; else what the server proves (the database's creation, when the cluster's
 * statistics counted from before it); else null.
 */
function sinceOf(model: SchemaModel, options: Pick<StatisticsTrustOptions, 'statsSince'>): StatisticsSince | null {
  const db = model.database;
  if (db.statsResetAt !== null) return { at: db.statsResetAt, source: 'reset' };
  if (options.statsSince) return { at: options.statsSince, source: 'user' };
  const created = parseTimestamp(db.createdAt ?? null);
  const cluster = parseTimestamp(db.clusterStatsSince ?? null);
  if (created === null || cluster === null) return null;
  return created >= cluster ? { at: db.createdAt!, source: 'server' } : { at: db.clusterStatsSince!, source: 'server' };
}

/** Days between a reset and the moment the database was read, rounded to 0.1; null when unknown. */
export function ageInDays(resetAt: string | null, readAt: string): number | null {
  const reset = parseTimestamp(resetAt);
  const read = parseTimestamp(readAt) ?? Date.now();
  if (reset === null) return null;
  return Math.max(0, Math.round(((read - reset) / DAY_MS) * 10) / 10);
}

/** Writes and scans of a table since the reset; null when its usage was not readable. */
function activityOf(table: Table): number | null {
  const u = table.usage;
  return u === null ? null : u.inserts + u.updates + u.deletes + u.seqScans + u.indexScans;
}

/** `3.2 days`, `1 day`, `5 hours`. */
export function describeAge(ageDays: number): string {
  if (ageDays < 1) {
    const hours = Math.round(ageDays * 24);
    return hours <= 1 ? 'less than an hour' : `${hours} hours`;
  }
  return ageDays === 1 ? '1 day' : `${ageDays} days`;
}

/**
 * Judges the statistics of a model: trustworthy only when they were readable, are being
 * collected (track_counts), cover at least `minStatsAgeDays` on every node, and record enough
 * activity that silence means something.
 */
export function statisticsTrust(
  model: SchemaModel,
  options: StatisticsTrustOptions,
  nodes: readonly NodeStatistics[] = [],
): StatisticsTrust {
  const notes: string[] = [];
  let trustworthy = true;
  const resetAt = model.database.statsResetAt;
  if (model.capabilities.serverSettings === false) {
    // A schema file or models loaded into a scratch database: its counters describe that scratch
    // copy, so there are no statistics to date or trust (the model's limitations say so once).
    return { resetAt: null, ageDays: null, trustworthy: false, activity: null, notes, since: null };
  }
  const since = sinceOf(model, options);
  const ageDays = since === null ? null : ageInDays(since.at, model.database.readAt);

  if (!model.capabilities.usageStatistics) {
    trustworthy = false;
    notes.push(
      'Usage statistics could not be read (the role lacks access to pg_stat_user_tables / pg_stat_user_indexes; grant pg_monitor): unused indexes and write volumes are not judged.',
    );
  }
  if (model.database.settings.track_counts === 'off') {
    trustworthy = false;
    notes.push('track_counts is off: the server does not count scans and writes, so every counter reads zero.');
  }

  const readable = model.tables.filter((t) => t.kind !== 'partitioned' && t.usage !== null);
  const activity =
    readable.length === 0 ? (model.capabilities.usageStatistics ? 0 : null) : readable.reduce((n, t) => n + (activityOf(t) ?? 0), 0);
  if (activity !== null && model.capabilities.usageStatistics && activity < options.minStatsActivity) {
    trustworthy = false;
    notes.push(
      `Almost no activity is recorded (${activity} writes and scans since ${since?.at ?? 'the statistics began'}, fewer than ${options.minStatsActivity}): a brand-new, idle or just-reset database, so "never scanned" means nothing yet.`,
    );
  }

  const how =
    since === null
      ? ''
      : since.source === 'reset'
        ? 'were reset'
        : since.source === 'user'
          ? 'count, as given with --stats-since,'
          : 'count, as the server shows,';
  if (ageDays !== null && ageDays < options.minStatsAgeDays) {
    trustworthy = false;
    notes.push(
      `Statistics ${how} ${describeAge(ageDays)} ago (${since!.at}), less than the ${options.minStatsAgeDays} days needed to see weekly and monthly queries: an index unused so far may still be needed.`,
    );
    if (since!.source === 'server')
      notes.push(`The database was created ${describeAge(ageDays)} ago: a fresh copy or a schema just loaded.`);
  } else if (ageDays !== null) {
    notes.push(
      `Statistics cover ${describeAge(ageDays)}, since ${since!.at}${since!.source === 'user' ? ' (as given with --stats-since)' : ''}.`,
    );
  } else if (model.capabilities.usageStatistics) {
    trustworthy = false;
    notes.push(
      'Statistics were never reset and nothing dates them: they count since the database was created or the server last recovered from a crash, which may have been minutes ago (a schema just loaded, a restored copy). Pass --stats-since DATE (or statsSince in the configuration) to say since when they count, or let the auditing role read the database creation time (pg_read_server_files, or superuser).',
    );
  }

  for (const node of nodes.slice(1)) {
    if (node.ageDays !== null && node.ageDays < options.minStatsAgeDays) {
      trustworthy = false;
      notes.push(
        `Statistics on ${node.node} were reset ${describeAge(node.ageDays)} ago (${node.resetAt}), less than ${options.minStatsAgeDays} days.`,
      );
    } else if (node.ageDays === null && !options.statsSince) {
      // A standby's counters start when it starts replaying; never reset says nothing about since when.
      trustworthy = false;
      notes.push(
        `Statistics on ${node.node} were never reset and nothing dates them: pass --stats-since DATE to say since when they count.`,
      );
    }
  }

  return { resetAt, ageDays, trustworthy, activity, notes, since, ...(nodes.length > 1 ? { nodes } : {}) };
}

/** Every node whose statistics were read (the primary first), with the age of each. */
export function statisticsNodesOf(model: SchemaModel, primaryName = 'primary'): NodeStatistics[] {
  const nodes: readonly StatisticsNode[] = model.statisticsNodes ?? [
    { node: primaryName, statsResetAt: model.database.statsResetAt, readAt: model.database.readAt, inRecovery: model.database.inRecovery },
  ];
  return nodes.map((n) => ({ node: n.node, resetAt: n.statsResetAt, ageDays: ageInDays(n.statsResetAt, n.readAt) }));
}
