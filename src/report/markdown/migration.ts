/** Markdown: the migration (up and down SQL) and what limits the report. */
import type { AuditResult } from '../../audit/types.js';
import { summarize, type PlanDecision } from '../../plan/planner.js';
import type { StatisticsFacts } from '../analysis/index.js';
import { limitationLines } from '../analysis/index.js';
import { code, prose } from './syntax.js';

/**
 * The fix plan, checked as a whole: each step in order (the SQL is in each entry above and in the
 * migration `dbdoctor fix` writes), and what the plan refuses and why.
 */
export function migrationSection(decision: PlanDecision): string[] {
  const lines = ['## Migration', ''];
  if (decision.accepted.length === 0 && decision.refused.length === 0) return [...lines, 'Nothing to change automatically.', ''];
  lines.push(
    '`dbdoctor fix` writes this plan as a migration (SQL, Alembic or Knex) with the exact way back; `dbdoctor apply --from` runs it step by step, journaled, resumable and reversible. Statements with `CONCURRENTLY` run outside a transaction block.',
    '',
  );
  decision.accepted.forEach(({ action, findings }, i) => {
    lines.push(`${i + 1}. ${prose(summarize(action))} — ${[...new Set(findings.map((f) => f.rule))].map(code).join(', ')}`);
  });
  if (decision.refused.length > 0) {
    lines.push('', `Not in the plan (${decision.refused.length}):`, '');
    for (const r of decision.refused) lines.push(`- ${prose(summarize(r.action))}: ${prose(r.reason)}`);
  }
  return [...lines, ''];
}

/** How old the statistics are, what the audit could not see, and what the statistics notes say. */
export function limitationsSection(result: AuditResult, statistics: StatisticsFacts): string[] {
  return ['## Statistics and Limitations', '', ...limitationLines(result, statistics).map((l) => `- ${prose(l)}`), ''];
}
