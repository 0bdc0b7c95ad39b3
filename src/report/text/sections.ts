/** Terminal sections of the full analysis: summary, strategy, savings, criteria, next steps. */
import type { AuditResult } from '../../audit/types.js';
import type { TableType } from '../../rules/context/classify-types.js';
import type { Analysis, CheckStatus, TableStrategy } from '../analysis/index.js';
import { describeAge, strategiesByType, TYPE_STRATEGY, verdictOf } from '../analysis/index.js';
import { countOf, formatCount, humanBytes, issueList } from '../format.js';
import { columns, heading, safe, type Palette } from './layout.js';

const STATUS_MARK = { HEALTHY: '✓', 'NEEDS REFINEMENT': '⚠', 'AT RISK': '✗' } as const;

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Status, issues, risk, savings, criteria met. */
export function summarySection(p: Palette, result: AuditResult, analysis: Analysis): string[] {
  const { summary } = result;
  const paint = summary.status === 'HEALTHY' ? p.good : summary.status === 'AT RISK' ? p.severity.critical : p.severity.medium;
  const label = (text: string): string => `  ${p.dim(text.padEnd(10))}`;
  const lines = [heading(p, 'Executive summary'), `${label('Status')}${p.bold(paint(`${STATUS_MARK[summary.status]} ${summary.status}`))}`];
  const issues = issueList(result);
  if (issues.length === 0) lines.push(`${label('Issues')}none`);
  issues.forEach((issue, i) =>
    lines.push(`${i === 0 ? label('Issues') : ' '.repeat(12)}${p.severity[issue.severity]('●')} ${issue.words} (${issue.severity})`),
  );
  lines.push(`${label('Risk')}${capitalize(summary.riskLevel)} — ${safe(summary.riskReason)}`);
  const { savings } = analysis;
  if (savings.droppedIndexes > 0) {
    const writes =
      savings.indexWritesSinceReset === null ? '' : `, ${formatCount(savings.indexWritesSinceReset)} index writes since the reset`;
    lines.push(
      `${label('Savings')}${humanBytes(savings.droppedBytes)} from ${countOf(savings.droppedIndexes, 'index', 'indexes')} to drop${writes}`,
    );
  }
  const met = analysis.checklist.filter((c) => c.status === 'pass').length;
  lines.push(`${label('Criteria')}${met} of ${analysis.checklist.filter((c) => c.status !== 'not-applicable').length} met`);
  if (analysis.statistics.ageDays !== null)
    lines.push(
      `${label('Stats')}cover ${describeAge(analysis.statistics.ageDays)}${analysis.statistics.trustworthy === false ? ' (too young to trust)' : ''}`,
    );
  return [...lines, ''];
}

const TYPE_TITLE: { readonly [T in TableType]: string } = {
  transaction: 'Transaction tables',
  log: 'Log tables',
  junction: 'Junction tables',
  unknown: 'Unknown type',
};

function tableLines(p: Palette, s: TableStrategy): string[] {
  const classification = s.source === null ? 'not classified' : `${s.confidence} confidence, from ${s.source}`;
  const lines = [`    ${p.bold(safe(`${s.schema}.${s.table}`))}  ${p.dim(classification)}`];
  if (s.writes)
    lines.push(
      `      ${p.dim('writes:')} ${formatCount(s.writes.inserts)} inserts, ${formatCount(s.writes.updates)} updates (${formatCount(s.writes.hotUpdates)} HOT), ${formatCount(s.writes.deletes)} deletes`,
    );
  for (const e of s.evidence) lines.push(`      ${p.dim('evidence:')} ${safe(e)}`);
  const rows: string[][] = [['index', 'keys', 'size', 'scans', 'verdict']];
  for (const e of s.current) {
    const v = verdictOf(e);
    const verdict = v.because === '' ? v.action : `${v.action} (${safe(v.because)})`;
    rows.push([
      safe(e.name),
      safe(e.keys),
      e.sizeBytes === null ? '—' : humanBytes(e.sizeBytes),
      e.scans === null ? '—' : formatCount(e.scans),
      verdict,
    ]);
  }
  for (const c of s.created) rows.push([safe(c.name), safe(c.keys), '—', '—', `create (${c.finding.rule})`]);
  for (const { index, reason } of s.skipped) rows.push([safe(index.name), safe(index.keys), '—', '—', `not created (${safe(reason)})`]);
  if (rows.length > 1) lines.push(...columns(p, rows, ['left', 'left', 'right', 'right', 'left'], '      '));
  lines.push(
    `      ${p.dim(`recommended (${s.current.length} → ${s.recommended.length}):`)} ${s.recommended.length === 0 ? 'none' : s.recommended.map(safe).join(', ')}`,
  );
  return lines;
}

/** Strategy by table type, each table with its indexes and recommended set. */
export function strategySection(p: Palette, analysis: Analysis): string[] {
  const lines = [heading(p, 'Strategy by table type')];
  for (const group of strategiesByType(analysis.strategies)) {
    lines.push(`  ${p.bold(`${TYPE_TITLE[group.type]} (${group.tables.length})`)}  ${p.dim(TYPE_STRATEGY[group.type])}`);
    for (const s of group.tables) lines.push(...tableLines(p, s), '');
  }
  if (analysis.strategies.length === 0) lines.push('  No tables were audited.', '');
  return lines;
}

/** Savings per table, and the total. */
export function savingsSection(p: Palette, analysis: Analysis): string[] {
  const { savings } = analysis;
  if (savings.tables.length === 0) return [heading(p, 'Estimated savings'), '  Nothing to drop or create.', ''];
  const rows: string[][] = [['table', 'dropped', 'storage', 'index writes/insert', 'index writes saved']];
  for (const t of savings.tables) {
    rows.push([
      safe(`${t.schema}.${t.table}`),
      `${t.droppedIndexes}${t.createdIndexes > 0 ? ` (+${t.createdIndexes})` : ''}`,
      humanBytes(t.droppedBytes),
      `${t.indexWritesPerInsertBefore} → ${t.indexWritesPerInsertAfter}`,
      t.indexWritesSinceReset === null ? '—' : formatCount(t.indexWritesSinceReset),
    ]);
  }
  rows.push([
    'total',
    String(savings.droppedIndexes),
    humanBytes(savings.droppedBytes),
    '',
    savings.indexWritesSinceReset === null ? '—' : formatCount(savings.indexWritesSinceReset),
  ]);
  const table = columns(p, rows, ['left', 'right', 'right', 'right', 'right'], '  ');
  table[table.length - 1] = p.bold(table[table.length - 1]!);
  return [
    heading(p, 'Estimated savings'),
    ...table,
    p.dim('  (a dropped index saves one write per insert and per non-HOT update; (+n): indexes created)'),
    '',
  ];
}

const BOX: { readonly [S in CheckStatus]: string } = { pass: '[x]', fail: '[ ]', unknown: '[?]', 'not-applicable': '[-]' };

/** The checklist, one box per criterion, grouped. */
export function checklistSection(p: Palette, analysis: Analysis): string[] {
  const lines = [heading(p, 'Success criteria')];
  for (const group of ['Indexes', 'Monitoring', 'Statistics'] as const) {
    const items = analysis.checklist.filter((c) => c.group === group);
    if (items.length === 0) continue;
    lines.push(`  ${p.bold(group)}`);
    for (const c of items) {
      const box = c.status === 'pass' ? p.good(BOX.pass) : c.status === 'fail' ? p.severity.critical(BOX.fail) : p.dim(BOX[c.status]);
      lines.push(`    ${box} ${c.label} ${p.dim(`— ${safe(c.detail)}`)}`);
    }
  }
  return [...lines, p.dim('  [x] met  [ ] not met  [?] not measurable here  [-] not applicable'), ''];
}

/** Next steps with their commands. */
export function nextStepsSection(p: Palette, analysis: Analysis): string[] {
  const lines = [heading(p, 'Next steps (priority order)')];
  if (analysis.nextSteps.length === 0) return [...lines, '  Nothing to do.', ''];
  analysis.nextSteps.forEach((step, i) => {
    const paint = step.priority === 'HIGH' ? p.severity.critical : step.priority === 'MEDIUM' ? p.severity.medium : p.severity.low;
    lines.push(`  ${i + 1}. ${paint(`[${step.priority}]`)} ${p.bold(step.title)} ${p.dim(`— ${step.when}`)}`, `     ${safe(step.detail)}`);
    for (const c of step.commands) lines.push(`     ${p.dim('$')} ${safe(c)}`);
  });
  return [...lines, ''];
}
