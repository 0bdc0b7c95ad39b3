import { normalizeStatement } from './statement.js';
import type { MonitorOptions, PoolState, SlowQueryEvent } from './types.js';

/** A slow query as seen when it finished; turned into an event (and its text normalized) off the query's path. */
export interface SlowRecord {
  readonly ms: number;
  readonly sql: string;
  readonly values: unknown;
  readonly operation: string;
  readonly error: string | null;
  readonly rows: number | null;
  /** Whether a backslash escapes in the connection's plain strings; undefined when not known. */
  readonly backslashEscapes: boolean | undefined;
  readonly state: PoolState;
}

/** The log line and event of a slow query: its text normalized, its parameters only when asked for. */
export function slowQueryEvent(
  record: SlowRecord,
  pool: string,
  system: 'postgresql' | 'mysql',
  options: MonitorOptions,
): { message: string; event: SlowQueryEvent } {
  const statement = normalizeStatement(record.sql, {
    system,
    backslashEscapes: record.backslashEscapes,
    maxLength: options.maxStatementLength ?? 2000,
  });
  const event: SlowQueryEvent = {
    kind: 'slow-query',
    pool,
    durationMs: Math.round(record.ms * 10) / 10,
    statement,
    operation: record.operation,
    rows: record.rows,
    error: record.error,
    ...(options.logParameters && Array.isArray(record.values) ? { parameters: record.values as readonly unknown[] } : {}),
    state: record.state,
  };
  return { message: `slow query (${event.durationMs} ms) on ${pool}: ${statement}`, event };
}

/** A short, bounded label for an error: its code (SQLSTATE, ER_…) or class name. */
export function errorTypeOf(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0 && code.length <= 40) return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name.length > 0) return name;
  }
  return 'Error';
}
