/**
 * Next steps in priority order: one step per rule (critical first, then by how many findings),
 * with the commands that fix it, then the monitoring and statistics criteria still unmet.
 */
import type { AuditResult, TargetInfo } from '../../audit/types.js';
import { isScratchCopy } from '../../model/target.js';
import { SEVERITIES, severityRank, type Finding, type Severity } from '../../rules/types.js';
import { countOf, fixAction, inSeverityOrder, joinWords, ruleNoun } from '../format.js';
import type { CheckItem } from './check.js';

/** How soon, in the seed's words. */
type Priority = 'HIGH' | 'MEDIUM' | 'LOW';

/** One step. */
export interface NextStep {
  readonly priority: Priority;
  /** `Immediate`, `This week`, `Next sprint`. */
  readonly when: string;
  /** What to do, one line: `Drop 3 duplicate indexes`. */
  readonly title: string;
  /** Why, and where. */
  readonly detail: string;
  /** The rule the step fixes, when it comes from findings. */
  readonly rule: string | null;
  readonly findings: number;
  /** Shell commands that carry the step out, in order; empty when it needs a person. */
  readonly commands: readonly string[];
}

const PRIORITY: { readonly [S in Severity]: Priority } = { critical: 'HIGH', medium: 'MEDIUM', low: 'LOW' };
const WHEN: { readonly [P in Priority]: string } = { HIGH: 'Immediate', MEDIUM: 'This week', LOW: 'Next sprint' };

/** A word for the shell: quoted unless it is plainly safe. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./$-]+$/.test(word) && !word.includes('$(') ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The target as `dbdoctor fix` and `dbdoctor apply` take it. */
function commandTargets(target: TargetInfo): { readonly fix: string; readonly apply: string } {
  if (target.kind === 'postgres') return { fix: shellWord(target.name), apply: shellWord(target.name) };
  // The demo lives in memory and a schema file is not a server: point at the real database.
  if (isScratchCopy(target.kind)) return { fix: shellWord(target.name), apply: '"$DATABASE_URL"' };
  return { fix: '"$DATABASE_URL"', apply: '"$DATABASE_URL"' };
}

function ruleWords(rule: string, count: number): string {
  return ruleNoun(rule, count === 1 ? 1 : 2);
}

function verbOf(findings: readonly Finding[]): string {
  const actions = new Set(findings.map(fixAction));
  if (actions.size === 1) {
    const [only] = actions;
    // "Drop 4 over-indexed tables" would read as dropping tables: only findings about one index are dropped by name.
    if (only === 'drop' && findings.every((f) => f.index !== undefined)) return 'Drop';
    if (only === 'create') return 'Index';
    if (only === 'review') return 'Review';
  }
  return 'Fix';
}

function ruleStep(rule: string, findings: readonly Finding[], target: TargetInfo): NextStep & { readonly rank: number } {
  const severity = SEVERITIES.find((s) => findings.some((f) => f.severity === s)) ?? 'low';
  const priority = PRIORITY[severity];
  const tables = [...new Set(findings.map((f) => (f.schema === '' ? `database ${f.table}` : f.table)))];
  const fixable = findings.filter((f) => (f.fix?.up.length ?? 0) > 0).length;
  const targets = commandTargets(target);
  const commands =
    fixable === 0
      ? []
      : target.kind === 'models'
        ? // Models are fixed where they are declared: the revision and the patch that keeps the models in step.
          [
            `dbdoctor fix ${targets.fix} --rule ${rule} --format alembic --output dbdoctor-migration`,
            'git apply dbdoctor-migration/models.patch',
            `dbdoctor apply ${targets.apply} --from dbdoctor-migration --dry-run`,
          ]
        : [
            `dbdoctor fix ${targets.fix} --rule ${rule}`,
            `dbdoctor apply ${targets.apply} --rule ${rule} --dry-run`,
            `dbdoctor apply ${targets.apply} --rule ${rule}`,
          ];
  const where = tables.length <= 4 ? `on ${joinWords(tables)}` : `on ${countOf(tables.length, 'table')}`;
  const manual = findings.length - fixable;
  const some = fixable === findings.length ? (fixable === 1 ? 'it has' : 'all have') : `${fixable} ${fixable === 1 ? 'has' : 'have'}`;
  const review = `${manual} ${manual === 1 ? 'needs' : 'need'} review by hand`;
  const detail = `${countOf(findings.length, 'finding')} ${where}${fixable > 0 ? `; ${some} a reversible fix` : '; no automatic fix: review each by hand'}${fixable > 0 && manual > 0 ? `, ${review}` : ''}.`;
  return {
    priority,
    when: WHEN[priority],
    title: `${verbOf(findings)} ${countOf(findings.length, ruleWords(rule, 1), ruleWords(rule, 2))}`,
    detail,
    rule,
    findings: findings.length,
    commands,
    rank: severityRank(severity),
  };
}

/** The rule that reports monitoring gaps as findings. */
const MONITORING_RULE = 'monitoring-not-ready';

const CHECK_ACTIONS: { readonly [id: string]: { readonly title: string; readonly priority: Priority } } = {
  'pg-stat-statements': {
    title: 'Enable pg_stat_statements (shared_preload_libraries, then CREATE EXTENSION) so query patterns can be measured',
    priority: 'MEDIUM',
  },
  'slow-query-log': {
    title: "Turn on the slow-query log (log_min_duration_statement = 1000 ms, the seed's threshold)",
    priority: 'MEDIUM',
  },
  'track-io-timing': { title: 'Turn on track_io_timing so query statistics include time spent on I/O', priority: 'LOW' },
  'index-usage-statistics': { title: 'Let the audit read usage statistics (grant pg_monitor; keep track_counts on)', priority: 'MEDIUM' },
  'statistics-trustworthy': { title: 'Audit again once the usage statistics cover at least a week of normal traffic', priority: 'LOW' },
};

/** How a reviewed fix is carried out, said once under the steps. */
export function howToApply(target: TargetInfo): string {
  return target.kind === 'models'
    ? 'Review the Alembic revision and models.patch that dbdoctor fix writes: git apply the patch so the models declare the change, then run the revision with alembic upgrade, or with dbdoctor apply --from dbdoctor-migration (journaled, resumable, reversible).'
    : 'Review the migration dbdoctor fix writes, then run it with dbdoctor apply --from dbdoctor-migration (journaled, resumable, reversible).';
}

/** The steps, most urgent first. */
export function nextSteps(result: AuditResult, checklist: readonly CheckItem[]): NextStep[] {
  const byRule = new Map<string, Finding[]>();
  for (const f of inSeverityOrder(result.findings)) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
  const steps = [...byRule].map(([rule, findings]) => ruleStep(rule, findings, result.target));
  // The monitoring-not-ready rule, when it ran, already made a step of the monitoring gaps.
  const monitoringReported = byRule.has(MONITORING_RULE);
  for (const item of checklist) {
    const action = CHECK_ACTIONS[item.id];
    if (!action || item.status !== 'fail') continue;
    if (monitoringReported && item.group === 'Monitoring') continue;
    const rank = action.priority === 'HIGH' ? 3 : action.priority === 'MEDIUM' ? 2 : 1;
    steps.push({
      priority: action.priority,
      when: WHEN[action.priority],
      title: action.title,
      detail: `${item.label}: ${item.detail}.`,
      rule: null,
      findings: 0,
      commands: [],
      rank,
    });
  }
  // Stable sort: rules keep severity-then-count order, criteria go after rules of their priority.
  const ordered = steps
    .map((step, i) => ({ step, i }))
    .sort(
      (a, b) =>
        b.step.rank - a.step.rank ||
        (a.step.rule === null ? 1 : 0) - (b.step.rule === null ? 1 : 0) ||
        b.step.findings - a.step.findings ||
        a.i - b.i,
    );
  return ordered.map(({ step }) => {
    const { rank: _rank, ...rest } = step;
    return rest;
  });
}
