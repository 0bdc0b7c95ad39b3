/** Markdown: the migration (up and down SQL) and what limits the report. */
import type { AuditResult } from '../../audit/types.js';
import type { Finding } from '../../rules/types.js';
import type { StatisticsFacts } from '../analysis/index.js';
import { limitationLines } from '../analysis/index.js';
import { findingPath, inSeverityOrder, sqlStatement } from '../format.js';
import { prose } from './syntax.js';

/** Up in severity order, down in reverse; findings without a fix are named in the up script. */
export function migrationSection(findings: readonly Finding[]): string[] {
  const ordered = inSeverityOrder(findings);
  const up: string[] = [];
  for (const f of ordered) {
    if (!f.fix || f.fix.up.length === 0) {
      up.push(`-- ${f.rule}: ${findingPath(f)} — no automatic fix; see Findings`, '');
      continue;
    }
    up.push(`-- ${f.rule}: ${findingPath(f)}`, ...f.fix.up.map(sqlStatement), '');
  }
  // Undo the last change first; each finding's own statements keep their order (build, then attach).
  const down: string[] = [];
  for (const f of [...ordered].reverse()) {
    if (!f.fix || f.fix.up.length === 0) continue;
    down.push(`-- ${f.rule}: ${findingPath(f)}`, ...(f.fix.down.length > 0 ? f.fix.down.map(sqlStatement) : ['-- nothing to undo']), '');
  }
  const lines = [
    '## Migration',
    '',
    '`dbdoctor fix` writes this as a migration file (SQL, Alembic or Knex); `dbdoctor apply` runs it step by step, journaled, with resume and rollback.',
    '',
  ];
  if (ordered.some((f) => f.fix?.transactional === false)) {
    lines.push(
      'Statements with `CONCURRENTLY` cannot run inside a transaction block: run them as separate statements (for example `psql -f`, without `--single-transaction`).',
      '',
    );
  }
  // A line that would close the fence early cannot occur: SQL never starts a line with three backticks.
  const block = (statements: string[]): string[] => [
    '```sql',
    ...(statements.length > 0 ? statements.slice(0, -1) : ['-- nothing to do']),
    '```',
    '',
  ];
  return [...lines, '### Up', '', ...block(up), '### Down', '', ...block(down)];
}

/** How old the statistics are, what the audit could not see, and what the statistics notes say. */
export function limitationsSection(result: AuditResult, statistics: StatisticsFacts): string[] {
  return ['## Statistics and Limitations', '', ...limitationLines(result, statistics).map((l) => `- ${prose(l)}`), ''];
}
