import type { AuditResult, AuditStatus } from '../audit/types.js';
import type { Index } from '../model/types.js';
import type { Finding, Severity } from '../rules/types.js';
import { VERSION } from '../version.js';
import {
  countOf,
  describeTarget,
  evidenceAt,
  factReader,
  findingPath,
  fixAction,
  formatCount,
  groupBySeverity,
  groupByTable,
  humanBytes,
  indexKeys,
  inSeverityOrder,
  issuesInWords,
  severityLabel,
  sqlStatement,
  summaryLine,
  tableName,
  type FindingFacts,
  type TableGroup,
} from './format.js';
import type { Reporter } from './types.js';

const STATUS_MARK: { readonly [S in AuditStatus]: string } = { HEALTHY: '✅', 'NEEDS REFINEMENT': '⚠️', 'AT RISK': '🔴' };
const SEVERITY_MARK: { readonly [S in Severity]: string } = { critical: '🔴', medium: '🟡', low: '🟢' };

/** Inline code that survives backticks inside the text. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const pad = fence.length > 1 ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A table cell: one line, and a `|` that does not end the cell (GFM needs this inside code spans too). */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function executiveSummary(result: AuditResult): string[] {
  const { summary, target, model } = result;
  const lines = [
    '## Executive Summary',
    '',
    `**Target**: ${describeTarget(target)} — ${countOf(summary.tables, 'table')}, ${countOf(summary.indexes, 'index')}, ${countOf(summary.foreignKeys, 'foreign key')}`,
    '',
    `**Status**: ${STATUS_MARK[summary.status]} ${summary.status}`,
    '',
    `**Issues Found**: ${result.findings.length === 0 ? 'None' : issuesInWords(result)}`,
    '',
    `**Risk Level**: ${capitalize(summary.riskLevel)} — ${summary.riskReason}`,
    '',
  ];
  if (summary.reclaimableBytes > 0) lines.push(`**Reclaimable**: ${humanBytes(summary.reclaimableBytes)} of index storage`, '');
  if (model.database.statsResetAt !== null) lines.push(`**Statistics**: scans and writes are counted since ${model.database.statsResetAt}`, '');
  return lines;
}

function objectCell(f: Finding): string {
  if (f.index !== undefined && f.constraint !== undefined && f.constraint !== f.index) {
    return `${code(f.index)} (constraint ${code(f.constraint)})`;
  }
  const object = f.index ?? f.constraint;
  return object === undefined ? '—' : code(object);
}

function findingRow(f: Finding, facts: FindingFacts): string {
  return row([
    code(tableName(f)),
    objectCell(f),
    f.rule,
    f.message,
    f.coveredBy === undefined ? '—' : code(f.coveredBy),
    facts.sizeBytes === null ? '—' : humanBytes(facts.sizeBytes),
    facts.scans === null ? '—' : formatCount(facts.scans),
  ]);
}

function findingHelp(f: Finding): string[] {
  const object = f.index ?? f.constraint;
  const subject = object === undefined ? code(tableName(f)) : `${code(tableName(f))} › ${code(object)}`;
  const lines = [`- **${subject}** (${f.rule}): ${f.help}`];
  for (const note of f.fix?.notes ?? []) lines.push(`  - Note: ${note}`);
  return lines;
}

function findingsSection(result: AuditResult): string[] {
  const lines = ['## Findings', ''];
  const groups = groupBySeverity(result.findings);
  if (groups.length === 0) return [...lines, 'No findings: no index problems were found.', ''];
  const facts = factReader(result.model);
  for (const group of groups) {
    lines.push(`### ${SEVERITY_MARK[group.severity]} ${severityLabel(group.severity)}`, '');
    lines.push(row(['Table', 'Index/Constraint', 'Rule', 'Problem', 'Covered by', 'Size', 'Scans']));
    lines.push('| --- | --- | --- | --- | --- | --- | --- |');
    for (const f of group.findings) lines.push(findingRow(f, facts(f)));
    lines.push('');
    for (const f of group.findings) lines.push(...findingHelp(f));
    lines.push('');
  }
  return lines;
}

function changeBullet(f: Finding): string {
  const object = f.index ?? f.constraint;
  const named = object === undefined ? '' : ` ${code(object)}`;
  switch (fixAction(f)) {
    case 'drop':
      return `- **Drop**${named} (${f.rule}): ${f.message}`;
    case 'create': {
      const proposed = evidenceAt(f.evidence, ['proposedIndex']);
      const name = typeof proposed === 'string' ? ` ${code(proposed)}` : ' an index';
      const on = f.columns && f.columns.length > 0 ? ` on (${f.columns.join(', ')})` : '';
      return `- **Create**${name}${on} (${f.rule}): ${f.message}`;
    }
    case 'change':
      return `- **Change**${named} (${f.rule}): ${f.message} ${f.help}`;
    case 'review':
      return `- **Review**${named} (${f.rule}): ${f.message} ${f.help}`;
  }
}

function keptIndex(index: Index): string {
  const traits: string[] = [];
  if (index.primary) traits.push('primary key');
  else if (index.constraint) traits.push(`${index.constraint.type} constraint ${code(index.constraint.name)}`);
  else if (index.unique) traits.push('unique');
  if (index.method !== 'btree') traits.push(index.method);
  if (index.include.length > 0) traits.push(`INCLUDE (${index.include.join(', ')})`);
  if (index.predicate !== null) traits.push('partial');
  if (!index.valid) traits.push('invalid');
  return `- ${code(index.name)} on (${indexKeys(index)})${traits.length > 0 ? ` — ${traits.join(', ')}` : ''}`;
}

function tableChanges(group: TableGroup, indexes: readonly Index[]): string[] {
  const dropped = new Set(group.findings.filter((f) => fixAction(f) === 'drop' && f.index !== undefined).map((f) => f.index));
  const kept = indexes.filter((i) => i.schema === group.schema && i.table === group.table && !dropped.has(i.name));
  return [
    `### ${code(tableName(group))}`,
    '',
    ...group.findings.map(changeBullet),
    '',
    'Indexes to keep:',
    '',
    ...(kept.length > 0 ? kept.map(keptIndex) : ['- none']),
    '',
  ];
}

function migrationSection(findings: readonly Finding[]): string[] {
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
  const lines = ['## Migration', ''];
  if (ordered.some((f) => f.fix?.transactional === false)) {
    lines.push(
      'Statements with `CONCURRENTLY` cannot run inside a transaction block: run them as separate statements (for example `psql -f`, without `--single-transaction`).',
      '',
    );
  }
  const block = (statements: string[]): string[] => ['```sql', ...(statements.length > 0 ? statements.slice(0, -1) : ['-- nothing to do']), '```', ''];
  return [...lines, '### Up', '', ...block(up), '### Down', '', ...block(down)];
}

function render(result: AuditResult): string {
  const lines = ['# Database Performance Analysis', '', ...executiveSummary(result), ...findingsSection(result)];
  if (result.findings.length > 0) {
    lines.push('## Recommended Changes per Table', '');
    for (const group of groupByTable(result.findings)) lines.push(...tableChanges(group, result.model.indexes));
    lines.push(...migrationSection(result.findings));
  }
  if (result.summary.limitations.length > 0) {
    lines.push('## Limitations', '', ...result.summary.limitations.map((l) => `- ${l}`), '');
  }
  lines.push('---', '', `_Generated by dbdoctor ${VERSION}: ${summaryLine(result)}._`);
  return `${lines.join('\n')}\n`;
}

/** The audit as a document in the shape of a DBA's hand-written review, with its migration. */
export const markdownReporter: Reporter = { name: 'markdown', fileExtension: 'md', render };
