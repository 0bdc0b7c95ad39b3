/** Option parsing shared by `dbdoctor fix` and `dbdoctor apply`. */
import { UserError } from '../util/errors.js';
import { allRules, ruleById } from '../rules/index.js';
import type { FixFilters } from '../plan/types.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };

/** Milliseconds for `250ms`, `5s`, `2min`, `1h` or a bare number of milliseconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h)?\s*$/.exec(text);
  if (!match) throw new UserError(`${option}: "${text}" is not a duration (e.g. 500ms, 5s, 2min)`);
  const value = Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']!);
  if (!Number.isSafeInteger(value) || value > 2_147_483_647) throw new UserError(`${option}: "${text}" is too long`);
  return value;
}

/** A whole number of at least 0. */
export function parseCount(text: string, option: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new UserError(`${option}: "${text}" is not a whole number`);
  return Number(text);
}

/** Filter options as commander hands them over. */
export interface FilterOptions {
  readonly rule?: readonly string[];
  readonly minSeverity?: string;
  readonly table?: readonly string[];
}

/** Validated filters; an unknown rule or severity is a UserError. */
export function filtersOf(options: FilterOptions): FixFilters {
  for (const id of options.rule ?? []) {
    if (!ruleById(id)) throw new UserError(`unknown rule "${id}" (choose ${allRules.map((r) => r.id).join(', ')})`);
  }
  const severity = options.minSeverity;
  if (severity !== undefined && severity !== 'critical' && severity !== 'medium' && severity !== 'low') {
    throw new UserError(`unknown severity "${severity}" (choose critical, medium, low)`);
  }
  return {
    ...(options.rule ? { rules: options.rule } : {}),
    ...(severity ? { minSeverity: severity } : {}),
    ...(options.table ? { tables: options.table } : {}),
  };
}

/** True when any filter was given. */
export function hasFilters(options: FilterOptions): boolean {
  return (options.rule?.length ?? 0) > 0 || options.minSeverity !== undefined || (options.table?.length ?? 0) > 0;
}

/** The target argument, else $DATABASE_URL. */
export function targetOf(argument: string | undefined, env: NodeJS.ProcessEnv): string {
  const target = argument ?? env.DATABASE_URL;
  if (!target)
    throw new UserError(
      'no target: give a database URL (postgres://, mysql://, mariadb://), a SQLite file, a .sql file or a models folder, or set DATABASE_URL',
    );
  return target;
}

/** `--load-timeout`: the loader's deadline per statement of a .sql target, when given. */
export function loadTimeoutOf(options: { readonly loadTimeout?: string }): { statementTimeoutMs?: number } {
  return options.loadTimeout !== undefined ? { statementTimeoutMs: Math.max(1, parseDuration(options.loadTimeout, '--load-timeout')) } : {};
}
