/**
 * Wording and arithmetic every reporter shares, so the text and markdown reports say the same
 * thing in the same words.
 */
import type { AuditResult, TargetInfo } from '../audit/types.js';
import type { Dialect, Index } from '../model/types.js';
import { SEVERITIES, type Finding, type Severity } from '../rules/types.js';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

/**
 * Bytes for people, in powers of 1024 with one decimal (`8.0 kB`, `1.2 MB`) — the units
 * PostgreSQL's own size functions use, so numbers match what a DBA sees in psql.
 */
export function humanBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(Number.isFinite(bytes) ? bytes : 0))} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // 1023.96 kB would print as "1024.0 kB": move it up a unit instead.
  if (Number(value.toFixed(1)) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

import { formatCount } from '../util/numbers.js';

export { formatCount };

/** The plural of an English noun, enough for rule names and report nouns. */
export function pluralize(word: string): string {
  if (/(?:s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

/** `1 table`, `12 tables`. */
export function countOf(n: number, singular: string, plural: string = pluralize(singular)): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}

/** `a`, `a and b`, `a, b and c`. */
export function joinWords(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]!}`;
}

/** Findings of one severity. */
export interface SeverityGroup {
  readonly severity: Severity;
  readonly findings: readonly Finding[];
}

/** Findings grouped by severity, most urgent first; severities without findings are left out. */
export function groupBySeverity(findings: readonly Finding[]): SeverityGroup[] {
  return SEVERITIES.map((severity) => ({ severity, findings: findings.filter((f) => f.severity === severity) })).filter(
    (group) => group.findings.length > 0,
  );
}

/** Findings in the order the reports list them: grouped by severity, stable within a group. */
export function inSeverityOrder(findings: readonly Finding[]): Finding[] {
  return groupBySeverity(findings).flatMap((group) => group.findings);
}

/** `schema.table`. */
function tableName(f: Pick<Finding, 'schema' | 'table'>): string {
  // A database-wide finding (monitoring, settings) has no schema: its "table" is the database.
  return f.schema === '' ? `database ${f.table}` : `${f.schema}.${f.table}`;
}

/** The object a finding is about within its table: the index, else the constraint. */
function findingObject(f: Finding): string | null {
  return f.index ?? f.constraint ?? null;
}

/** `schema.table.index` (or `.constraint`), naming a finding in SQL comments. */
export function findingPath(f: Finding): string {
  const object = findingObject(f);
  return object === null ? tableName(f) : `${tableName(f)}.${object}`;
}

/** A statement ready to paste: terminated by exactly one semicolon. */
export function sqlStatement(statement: string): string {
  const trimmed = statement.trim();
  return trimmed.endsWith(';') ? trimmed : `${trimmed};`;
}

/** Severity as the seed audit writes it: `CRITICAL`. */
export function severityLabel(severity: Severity): string {
  return severity.toUpperCase();
}

const DIALECT_NAMES: { readonly [D in Dialect]: string } = { postgres: 'PostgreSQL', mysql: 'MySQL', sqlite: 'SQLite' };

/** `demo (PostgreSQL 16.4)`, `shop (MariaDB 10.11.19)`. */
export function describeTarget(target: TargetInfo): string {
  // MariaDB speaks the MySQL dialect but reports `10.11.19-MariaDB-0+deb12u1` as its version.
  const mariadb = /^(\d+(?:\.\d+)*)-MariaDB/i.exec(target.serverVersion);
  if (target.dialect === 'mysql' && mariadb) return `${target.name} (MariaDB ${mariadb[1]})`;
  return `${target.name} (${DIALECT_NAMES[target.dialect]} ${target.serverVersion})`;
}

/**
 * `12 tables, 40 indexes, 1.2 MB reclaimable` (the last part only when something is). `reclaimable`
 * overrides the summary's figure: the full reports use the recommended index sets' total, which
 * also counts indexes a table-level finding drops.
 */
function scopeCounts(result: AuditResult, reclaimable: number = result.summary.reclaimableBytes): string {
  const parts = [countOf(result.summary.tables, 'table'), countOf(result.summary.indexes, 'index')];
  if (reclaimable > 0) parts.push(`${humanBytes(reclaimable)} reclaimable`);
  return parts.join(', ');
}

/**
 * The one-line summary the reports end with: the objects to act on by severity (one per index,
 * foreign key or table, however many findings it has), then the scope.
 */
export function summaryLine(result: AuditResult, entries: readonly { readonly severity: Severity }[], reclaimable?: number): string {
  if (entries.length === 0) return `no findings — ${scopeCounts(result, reclaimable)}`;
  const counts = SEVERITIES.map((s) => `${formatCount(entries.filter((e) => e.severity === s).length)} ${s}`).join(', ');
  return `${countOf(entries.length, 'object')} to act on (${counts}; ${countOf(result.findings.length, 'finding')}) — ${scopeCounts(result, reclaimable)}`;
}

// Prefixes that form one compound adjective with the next word: "over-indexed", "low-cardinality".
const COMPOUND_PREFIXES = new Set(['over', 'under', 'low', 'high', 'non', 'self', 'well', 'multi', 'single']);

/** A rule id as an English noun phrase: `duplicate-index` → `duplicate index(es)`, `over-indexed-table` → `over-indexed table(s)`. */
export function ruleNoun(rule: string, count: number): string {
  const words = rule.split(/[-_]+/).filter((w) => w !== '');
  // A rule named for a state ("monitoring-not-ready") has no noun to count: count its findings.
  if (words.includes('not')) return `${rule} ${count === 1 ? 'finding' : 'findings'}`;
  const joined: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    if (COMPOUND_PREFIXES.has(words[i]!) && i < words.length - 2) {
      joined.push(`${words[i]!}-${words[i + 1]!}`);
      i += 1;
    } else joined.push(words[i]!);
  }
  const last = joined.pop() ?? rule;
  return [...joined, count === 1 ? last : pluralize(last)].join(' ');
}

/** `2 duplicate indexes and 1 unindexed foreign key`: rule ids in words, most urgent rule first. */
export function issuesInWords(result: AuditResult): string {
  const order: string[] = [];
  for (const f of inSeverityOrder(result.findings)) if (!order.includes(f.rule)) order.push(f.rule);
  for (const rule of Object.keys(result.summary.byRule)) if (!order.includes(rule)) order.push(rule);
  return joinWords(
    order.map((rule) => {
      const count = result.summary.byRule[rule] ?? result.findings.filter((f) => f.rule === rule).length;
      return countOf(count, ruleNoun(rule, 1), ruleNoun(rule, 2));
    }),
  );
}

/** What a finding's fix does to its table. */
export type FixAction = 'drop' | 'create' | 'change' | 'review';

/** Classifies a fix by its actions; a finding without one needs a person to look. */
export function fixAction(f: Finding): FixAction {
  const actions = f.actions ?? [];
  if (actions.length === 0) return 'review';
  const drops = actions.some((a) => a.kind === 'drop-index' || a.kind === 'drop-constraint');
  const creates = actions.some((a) => a.kind === 'create-index');
  if (drops && !creates) return 'drop';
  if (creates && !drops) return 'create';
  return 'change';
}

/** Key columns and expressions of an index as a person reads them. */
export function indexKeys(index: Index): string {
  return index.keys.map((k) => k.column ?? k.expression).join(', ');
}

/** One kind of issue: a rule, how many findings, its most urgent severity, in words. */
export interface IssueKind {
  readonly rule: string;
  readonly severity: Severity;
  readonly count: number;
  /** `3 duplicate indexes`. */
  readonly words: string;
}

/** The issues found, one entry per rule, most urgent first (the executive summary's list). */
export function issueList(result: AuditResult): IssueKind[] {
  const rules: string[] = [];
  for (const f of inSeverityOrder(result.findings)) if (!rules.includes(f.rule)) rules.push(f.rule);
  return rules.map((rule) => {
    const findings = result.findings.filter((f) => f.rule === rule);
    return {
      rule,
      severity: SEVERITIES.find((s) => findings.some((f) => f.severity === s)) ?? 'low',
      count: findings.length,
      words: countOf(findings.length, ruleNoun(rule, 1), ruleNoun(rule, 2)),
    };
  });
}
