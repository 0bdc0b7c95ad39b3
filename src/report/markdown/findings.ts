/** Markdown: executive summary and findings by severity, in the seed audit's layout. */
import type { AuditResult, AuditStatus } from '../../audit/types.js';
import type { Severity } from '../../rules/types.js';
import type { Analysis } from '../analysis/index.js';
import { describeAge } from '../analysis/index.js';
import { countOf, describeTarget, formatCount, humanBytes, issueList, severityLabel, sqlStatement } from '../format.js';
import { entriesBySeverity, type ReportEntry } from '../analysis/index.js';
import { ruleById } from '../../rules/index.js';
import { ruleDocsUrl } from '../links.js';
import { capitalize, code, header, prose, row } from './syntax.js';
import { criteriaMet } from '../analysis/check.js';

const STATUS_MARK: { readonly [S in AuditStatus]: string } = { HEALTHY: '✅', 'NEEDS REFINEMENT': '⚠️', 'AT RISK': '🔴' };
const SEVERITY_MARK: { readonly [S in Severity]: string } = { critical: '🔴', medium: '🟡', low: '🟢' };

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
      savings.droppedBytes === null
        ? `**Estimated Savings**: ${countOf(savings.droppedIndexes, 'index', 'indexes')} to drop (sizes unknown)${writes}`
        : `**Estimated Savings**: ${humanBytes(savings.droppedBytes)} of index storage from ${countOf(savings.droppedIndexes, 'index', 'indexes')} to drop${writes}`,
      '',
    );
  }
  lines.push(`**Success Criteria**: ${criteriaMet(analysis.checklist)}`, '');
  if (!statistics.readable)
    lines.push(`**Statistics**: ${statistics.unreadable ?? 'usage statistics could not be read'}; scans and writes are unknown`, '');
  else if (statistics.ageDays !== null)
    lines.push(
      `**Statistics**: scans and writes cover ${describeAge(statistics.ageDays)}${statistics.resetAt ? ` (since ${statistics.resetAt})` : ''}${statistics.trustworthy === false ? ' — too young to call an index unused' : ''}`,
      '',
    );
  return lines;
}

/** A rule id linked to its docs page. */
function ruleLink(rule: string): string {
  const known = ruleById(rule);
  return known ? `[${code(rule)}](${ruleDocsUrl(known.docs.page)})` : code(rule);
}

function entryTitle(e: ReportEntry): string {
  if (e.kind === 'database') return code(e.name ?? 'database');
  return e.name === null ? code(`${e.schema}.${e.table}`) : code(e.name);
}

function kindWords(e: ReportEntry): string {
  const keys = e.keys.length > 0 ? ` (${e.keys.join(', ')})` : '';
  return {
    index: `index${keys}`,
    'new-index': `new index${keys}`,
    'foreign-key': `foreign key${keys}`,
    table: 'table',
    database: 'setting',
  }[e.kind];
}

const PLAN_WORD: { readonly [K in ReportEntry['decision']['kind']]: string } = {
  drop: '**drop**',
  create: '**create**',
  change: '**replace**',
  kept: 'keep',
  advice: 'review',
};

/** One entry's details: every reason with its message, then the one action. */
function entryDetail(e: ReportEntry): string[] {
  const where = e.kind === 'database' ? '' : e.name === null ? '' : ` on ${code(`${e.schema}.${e.table}`)}`;
  const at = e.location === null ? '' : ` (${code(`${e.location.file}:${e.location.line}`)})`;
  const lines = [`- **${entryTitle(e)}**${where}${at}`];
  for (const f of e.findings) lines.push(`  - ${ruleLink(f.rule)}: ${prose(f.message)}`);
  const d = e.decision;
  if (d.kind === 'kept') lines.push(`  - Keep: the fix plan refuses to drop it — ${prose(d.summary)}`);
  else if (d.kind === 'advice') lines.push(`  - Advice: ${prose(d.summary)}`);
  else {
    lines.push(`  - Fix: ${d.up.map((s) => code(sqlStatement(s))).join(' ')}`);
    if (d.down.length > 0) lines.push(`  - Undo: ${d.down.map((s) => code(sqlStatement(s))).join(' ')}`);
    for (const note of d.notes.filter((n) => n.startsWith('Not undone'))) lines.push(`  - Note: ${prose(note)}`);
  }
  return lines;
}

/** Objects per severity whose reasons and fix are written out; the table lists them all. */
const DETAIL_LIMIT = 10;

/** Findings by severity: one entry per object — a table of them, then each with every reason and the one action. */
export function findingsSection(result: AuditResult, entries: readonly ReportEntry[], limit: number = DETAIL_LIMIT): string[] {
  const lines = ['## Findings by Severity', ''];
  const groups = entriesBySeverity(entries);
  if (groups.length === 0) return [...lines, 'No findings: no index problems were found.', ''];
  for (const group of groups) {
    const findings = group.entries.reduce((n, e) => n + e.findings.length, 0);
    lines.push(
      `### ${SEVERITY_MARK[group.severity]} ${severityLabel(group.severity)} — ${countOf(group.entries.length, 'object')}, ${countOf(findings, 'finding')}`,
      '',
    );
    lines.push(...header(['Object', 'Table', 'What', 'Reasons', 'Size', 'Scans', 'Plan'], [4, 5]));
    for (const e of group.entries) {
      lines.push(
        row([
          entryTitle(e),
          e.kind === 'database' ? '—' : code(`${e.schema}.${e.table}`),
          prose(kindWords(e)),
          [...new Set(e.findings.map((f) => f.rule))].map(ruleLink).join(', '),
          e.sizeBytes === null ? '—' : humanBytes(e.sizeBytes),
          e.scans === null ? '—' : formatCount(e.scans),
          PLAN_WORD[e.decision.kind],
        ]),
      );
    }
    lines.push('');
    for (const e of group.entries.slice(0, limit)) lines.push(...entryDetail(e));
    const more = group.entries.length - limit;
    if (more > 0)
      lines.push(
        '',
        `_The table above lists all ${group.entries.length}; details of ${countOf(more, 'more object')} are in the JSON and HTML reports (\`--format json\`, \`--format html\`)._`,
      );
    lines.push('');
  }
  if (result.summary.baseline) {
    lines.push(
      `_${countOf(result.summary.baseline.known, 'known finding')} of the baseline ${code(result.summary.baseline.file)} left out._`,
      '',
    );
  }
  return lines;
}
