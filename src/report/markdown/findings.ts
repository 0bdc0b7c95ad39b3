/** Markdown: executive summary and findings by severity, in the seed audit's layout. */
import type { AuditResult, AuditStatus } from '../../audit/types.js';
import type { Finding, Severity } from '../../rules/types.js';
import type { Analysis } from '../analysis/index.js';
import { describeAge } from '../analysis/index.js';
import {
  countOf,
  describeTarget,
  formatCount,
  groupBySeverity,
  humanBytes,
  issueList,
  severityLabel,
  sqlStatement,
  tableName,
} from '../format.js';
import { findingRows, type FindingRow } from '../finding-rows.js';
import { capitalize, code, header, prose, row } from './syntax.js';

export const STATUS_MARK: { readonly [S in AuditStatus]: string } = { HEALTHY: '✅', 'NEEDS REFINEMENT': '⚠️', 'AT RISK': '🔴' };
export const SEVERITY_MARK: { readonly [S in Severity]: string } = { critical: '🔴', medium: '🟡', low: '🟢' };

/** Title, target and executive summary. */
export function executiveSummary(result: AuditResult, analysis: Analysis): string[] {
  const { summary, target } = result;
  const issues = issueList(result);
  const lines = [
    `**Target**: ${prose(describeTarget(target))} — ${countOf(summary.tables, 'table')}, ${countOf(summary.indexes, 'index')}, ${countOf(summary.foreignKeys, 'foreign key')}; read ${prose(result.model.database.readAt)}`,
    '',
    '## Executive Summary',
    '',
    `**Status**: ${STATUS_MARK[summary.status]} ${summary.status}`,
    '',
    issues.length === 0 ? '**Issues Found**: None' : '**Issues Found**:',
    ...(issues.length === 0 ? [] : ['', ...issues.map((i) => `- ${SEVERITY_MARK[i.severity]} ${i.words} (${i.severity})`)]),
    '',
    `**Risk Level**: ${capitalize(summary.riskLevel)} — ${prose(summary.riskReason)}`,
    '',
  ];
  const { savings, statistics } = analysis;
  if (savings.droppedIndexes > 0) {
    const writes =
      savings.indexWritesSinceReset === null
        ? ''
        : `, ${formatCount(savings.indexWritesSinceReset)} index writes saved over the statistics period`;
    lines.push(
      `**Estimated Savings**: ${humanBytes(savings.droppedBytes)} of index storage from ${countOf(savings.droppedIndexes, 'index', 'indexes')} to drop${writes}`,
      '',
    );
  }
  const passed = analysis.checklist.filter((c) => c.status === 'pass').length;
  const measurable = analysis.checklist.filter((c) => c.status !== 'not-applicable').length;
  lines.push(`**Success Criteria**: ${passed} of ${measurable} met`, '');
  if (!statistics.readable) lines.push('**Statistics**: usage statistics could not be read; scans and writes are unknown', '');
  else if (statistics.ageDays !== null)
    lines.push(
      `**Statistics**: scans and writes cover ${describeAge(statistics.ageDays)}${statistics.resetAt ? ` (since ${statistics.resetAt})` : ''}${statistics.trustworthy === false ? ' — too young to call an index unused' : ''}`,
      '',
    );
  return lines;
}

function objectCell(f: Finding, r: FindingRow): string {
  if (f.index !== undefined && r.constraint !== null && r.constraint !== f.index)
    return `${code(f.index)} (constraint ${code(r.constraint)})`;
  if (r.indexes.length > 0) return r.indexes.map(code).join(', ');
  return r.constraint === null ? '—' : code(r.constraint);
}

function ruleTitle(rule: string, count: number): string {
  return `${code(rule)} — ${countOf(count, 'finding')}`;
}

function findingDetail(f: Finding): string[] {
  const object = f.index ?? f.constraint;
  const subject = object === undefined ? code(tableName(f)) : `${code(object)} on ${code(tableName(f))}`;
  const lines = [`- **${subject}**: ${prose(f.message)}`, `  - Help: ${prose(f.help)}`];
  if (f.fix && f.fix.up.length > 0) {
    lines.push(`  - Fix: ${f.fix.up.map((s) => code(sqlStatement(s))).join(' ')}`);
    if (f.fix.down.length > 0) lines.push(`  - Undo: ${f.fix.down.map((s) => code(sqlStatement(s))).join(' ')}`);
  } else {
    lines.push('  - Fix: none generated; needs a person to decide');
  }
  for (const note of f.fix?.notes ?? []) lines.push(`  - Note: ${prose(note)}`);
  return lines;
}

/** Findings by severity, one table per rule like the seed's, each finding's message, help and fix below it. */
export function findingsSection(result: AuditResult): string[] {
  const lines = ['## Findings by Severity', ''];
  const groups = groupBySeverity(result.findings);
  if (groups.length === 0) return [...lines, 'No findings: no index problems were found.', ''];
  const rows = findingRows(result);
  for (const group of groups) {
    lines.push(`### ${SEVERITY_MARK[group.severity]} ${severityLabel(group.severity)}`, '');
    const rules = [...new Set(group.findings.map((f) => f.rule))];
    for (const rule of rules) {
      const findings = group.findings.filter((f) => f.rule === rule);
      lines.push(`#### ${ruleTitle(rule, findings.length)}`, '');
      if (rows.tabular(findings)) {
        lines.push(...header(['Index / constraint', 'Table', 'Columns', 'Covered by', 'Size', 'Scans', 'Writes'], [4, 5, 6]));
        for (const f of findings) {
          const r = rows.row(f);
          lines.push(
            row([
              objectCell(f, r),
              code(tableName(f)),
              f.columns && f.columns.length > 0 ? f.columns.map(code).join(', ') : '—',
              f.coveredBy === undefined ? '—' : code(f.coveredBy),
              r.sizeBytes === null ? '—' : humanBytes(r.sizeBytes),
              r.scans === null ? '—' : formatCount(r.scans),
              r.writes === null ? '—' : formatCount(r.writes),
            ]),
          );
        }
        lines.push('');
      }
      for (const f of findings) lines.push(...findingDetail(f));
      lines.push('');
    }
  }
  return lines;
}
