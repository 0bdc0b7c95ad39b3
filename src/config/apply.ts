/**
 * What a configuration changes in an audit: rule options, forced table types, silenced findings.
 */
import type { TableTypeOverride } from '../rules/context/classify.js';
import type { Finding, RuleOptions } from '../rules/types.js';
import type { DbdoctorConfig, IgnoreEntry } from './schema.js';

/** A finding silenced by the configuration, with the reason given there. */
export interface SuppressedFinding {
  readonly finding: Finding;
  readonly reason: string;
}

/** Rule options from `thresholds`, `minStatsAgeDays` (the top-level key wins) and `statsSince`. */
export function ruleOptionsFromConfig(config: DbdoctorConfig): Partial<RuleOptions> {
  const options: Record<string, number | string> = {};
  for (const [key, value] of Object.entries(config.thresholds ?? {})) if (typeof value === 'number') options[key] = value;
  if (config.minStatsAgeDays !== undefined) options.minStatsAgeDays = config.minStatsAgeDays;
  if (config.statsSince !== undefined) options.statsSince = config.statsSince;
  return options;
}

/** Table types forced by `tables` ("schema.table" or "table"). */
export function tableOverridesFromConfig(config: DbdoctorConfig): TableTypeOverride[] {
  return Object.entries(config.tables ?? {}).map(([name, type]) => {
    const dot = name.indexOf('.');
    return dot < 0 ? { schema: null, table: name, type } : { schema: name.slice(0, dot), table: name.slice(dot + 1), type };
  });
}

/** True when an ignore entry applies to a finding: same rule, and every object it names matches. */
function ignoreMatches(entry: IgnoreEntry, finding: Finding): boolean {
  if (entry.rule !== finding.rule) return false;
  if (entry.schema !== undefined && entry.schema !== finding.schema) return false;
  if (entry.table !== undefined && entry.table !== finding.table && entry.table !== `${finding.schema}.${finding.table}`) return false;
  if (entry.index !== undefined && entry.index !== finding.index && entry.index !== finding.constraint) return false;
  if (entry.subject !== undefined && entry.subject !== finding.subject) return false;
  return true;
}

/** Splits findings into those kept and those an ignore entry silences (first matching entry's reason). */
export function applyIgnores(
  findings: readonly Finding[],
  ignore: readonly IgnoreEntry[],
): { kept: Finding[]; suppressed: SuppressedFinding[] } {
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const entry = ignore.find((e) => ignoreMatches(e, finding));
    if (entry) suppressed.push({ finding, reason: entry.reason });
    else kept.push(finding);
  }
  return { kept, suppressed };
}
