/** Terminal sections of the full analysis: summary, strategy, savings, criteria, next steps. */
import type { AuditResult } from '../../audit/types.js';
import type { TableType } from '../../rules/context/classify-types.js';
import type { Analysis, CheckStatus, TableStrategy } from '../analysis/index.js';
import { describeAge, strategiesByType, TYPE_STRATEGY } from '../analysis/index.js';
import { countOf, formatCount, humanBytes, issueList } from '../format.js';
import { columns, heading, safe, wrapped, type Palette } from './layout.js';
import { criteriaMet } from '../analysis/check.js';

const STATUS_MARK = { HEALTHY: '✓', 'NEEDS REFINEMENT': '⚠', 'AT RISK': '✗' } as const;

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Status, issues, risk, savings, criteria met. */
export function summarySection(p: Palette, result: AuditResult, analysis: Analysis, width: number): string[] {
  const { summary } = result;
  const paint = summary.status === 'HEALTHY' ? p.good : summary.status === 'AT RISK' ? p.severity.critical : p.severity.medium;
  const label = (text: string): string => `  ${p.dim(text.padEnd(10))}`;
  const lines = [heading(p, 'Executive summary'), `${label('Status')}${p.bold(paint(`${STATUS_MARK[summary.status]} ${summary.status}`))}`];
  const issues = issueList(result);
  if (issues.length === 0) lines.push(`${label('Issues')}none`);
  issues.forEach((issue, i) =>
    lines.push(`${i === 0 ? label('Issues') : ' '.repeat(12)}${p.severity[issue.severity]('●')} ${issue.words} (${issue.severity})`),
  );
  lines.push(...wrapped(`${capitalize(summary.riskLevel)} — ${safe(summary.riskReason)}`, width, label('Risk'), ' '.repeat(12)));
  const { savings } = analysis;
  if (savings.droppedIndexes > 0) {
    const writes =
      savings.indexWritesSinceReset === null ? '' : `, ${formatCount(savings.indexWritesSinceReset)} index writes since the reset`;
    lines.push(
      ...wrapped(
        savings.droppedBytes === null
          ? `${countOf(savings.droppedIndexes, 'index', 'indexes')} to drop (sizes unknown)${writes}`
          : `${humanBytes(savings.droppedBytes)} from ${countOf(savings.droppedIndexes, 'index', 'indexes')} to drop${writes}`,
        width,
        label('Savings'),
        ' '.repeat(12),
      ),
    );
  }
  lines.push(`${label('Criteria')}${criteriaMet(analysis.checklist)}`);
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

/** What the plan changes on a table, in one short cell (the entries above name the indexes). */
function changes(s: TableStrategy): string {
  const parts: string[] = [];
  if (s.dropped.length > 0) parts.push(`drop ${s.dropped.length}`);
  if (s.created.length > 0) parts.push(`create ${s.created.length}`);
  const kept = s.current.filter((e) => e.keptBecause !== null).length;
  if (kept > 0) parts.push(`${kept} kept by the plan`);
  return parts.length === 0 ? 'no change' : parts.join(', ');
}

/**
 * Strategy by table type, and what the fix plan saves: each table on one line with its type's
 * confidence, its indexes before and after the plan, the storage and index writes the drops save.
 */
export function strategySection(p: Palette, analysis: Analysis, width: number): string[] {
  const lines = [heading(p, 'Strategy by table type and savings')];
  const saved = new Map(analysis.savings.tables.map((t) => [`${t.schema}.${t.table}`, t]));
  for (const group of strategiesByType(analysis.strategies)) {
    lines.push(
      ...wrapped(
        `${p.bold(`${TYPE_TITLE[group.type]} (${group.tables.length})`)}  ${p.dim(TYPE_STRATEGY[group.type])}`,
        width,
        '  ',
        '    ',
      ),
    );
    const rows: string[][] = [['table', 'confidence', 'indexes', 'the plan', 'storage', 'writes saved']];
    for (const s of group.tables) {
      const t = saved.get(`${s.schema}.${s.table}`);
      rows.push([
        safe(`${s.schema}.${s.table}`),
        s.source === null ? 'not classified' : s.source === 'statistics' ? s.confidence : `${s.confidence} (${s.source})`,
        `${s.current.length} → ${s.recommended.length}`,
        changes(s),
        t === undefined || t.droppedBytes === null || t.droppedBytes === 0 ? '—' : humanBytes(t.droppedBytes),
        t?.indexWritesSinceReset ? formatCount(t.indexWritesSinceReset) : '—',
      ]);
    }
    lines.push(...columns(p, rows, ['left', 'left', 'right', 'left', 'right', 'right'], '    ', width), '');
  }
  if (analysis.strategies.length === 0) lines.push('  No tables were audited.', '');
  const { savings } = analysis;
  if (savings.droppedIndexes > 0) {
    const writes =
      savings.indexWritesSinceReset === null
        ? ''
        : `, ${formatCount(savings.indexWritesSinceReset)} index writes saved over the statistics period`;
    lines.push(
      ...wrapped(
        `${p.bold('Total')}: ${countOf(savings.droppedIndexes, 'index', 'indexes')} dropped, ${savings.droppedBytes === null ? 'sizes unknown' : humanBytes(savings.droppedBytes)}${writes} (a dropped index saves one write per insert and per non-HOT update).`,
        width,
        '  ',
        '  ',
      ),
      '',
    );
  }
  return lines;
}

const BOX: { readonly [S in CheckStatus]: string } = { pass: '[x]', fail: '[ ]', unknown: '[?]', 'not-applicable': '[-]' };

/** The checklist, one box per criterion, grouped. */
export function checklistSection(p: Palette, analysis: Analysis, width: number): string[] {
  const lines = [heading(p, 'Success criteria')];
  for (const group of ['Indexes', 'Monitoring', 'Statistics'] as const) {
    const items = analysis.checklist.filter((c) => c.group === group);
    if (items.length === 0) continue;
    lines.push(`  ${p.bold(group)}`);
    for (const c of items) {
      const box = c.status === 'pass' ? p.good(BOX.pass) : c.status === 'fail' ? p.severity.critical(BOX.fail) : p.dim(BOX[c.status]);
      lines.push(...wrapped(`${c.label} ${p.dim(`— ${safe(c.detail)}`)}`, width, `    ${box} `, '        '));
    }
  }
  return [...lines, ...wrapped(p.dim('[x] met  [ ] not met  [?] not measurable here  [-] not applicable'), width, '  ', '  '), ''];
}

/** Next steps, each with the command that writes its fix; how to apply a reviewed fix is said once. */
export function nextStepsSection(p: Palette, analysis: Analysis, width: number): string[] {
  const lines = [heading(p, 'Next steps (priority order)')];
  if (analysis.nextSteps.length === 0) return [...lines, '  Nothing to do.', ''];
  analysis.nextSteps.forEach((step, i) => {
    const paint = step.priority === 'HIGH' ? p.severity.critical : step.priority === 'MEDIUM' ? p.severity.medium : p.severity.low;
    const number = `${i + 1}.`.padEnd(4);
    lines.push(
      ...wrapped(
        `${paint(`[${step.priority}]`)} ${p.bold(step.title)} ${p.dim(`— ${step.when}`)}. ${safe(step.detail)}`,
        width,
        `  ${number}`,
        '      ',
      ),
    );
    const command = step.commands[0];
    if (command !== undefined) lines.push(`      ${p.dim('$')} ${safe(command)}`);
  });
  if (analysis.nextSteps.some((s) => s.commands.length > 0)) {
    lines.push(...wrapped(p.dim(analysis.applyHint), width, '  ', '  '));
  }
  return [...lines, ''];
}
