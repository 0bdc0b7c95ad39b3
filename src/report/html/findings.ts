/** HTML: executive summary and findings by severity. */
import type { AuditResult } from '../../audit/types.js';
import type { Finding } from '../../rules/types.js';
import type { Analysis } from '../analysis/index.js';
import { describeAge } from '../analysis/index.js';
import { countOf, formatCount, groupBySeverity, humanBytes, issueList, severityLabel, sqlStatement, tableName } from '../format.js';
import { findingRows, type FindingRow } from '../finding-rows.js';
import { html, type SafeHtml } from './escape.js';
import { codeName, htmlTable } from './table.js';

function card(label: string, value: SafeHtml | string, cls = ''): SafeHtml {
  return html`<div class="card"><div class="label">${label}</div><div class="value ${cls}">${value}</div></div>`;
}

/** Status, issues, risk and the headline numbers. */
export function summarySection(result: AuditResult, analysis: Analysis): SafeHtml {
  const { summary } = result;
  const met = analysis.checklist.filter((c) => c.status === 'pass').length;
  const measurable = analysis.checklist.filter((c) => c.status !== 'not-applicable').length;
  const issues = issueList(result);
  const { statistics } = analysis;
  const stats = !statistics.readable ? 'not readable' : statistics.ageDays === null ? 'age unknown' : describeAge(statistics.ageDays);
  return html`<section id="summary"><h2>Executive Summary</h2>
<div class="cards">
${card('Status', summary.status, `status-${summary.status.replace(/ /g, '-')}`)}
${card('Risk level', summary.riskLevel.charAt(0).toUpperCase() + summary.riskLevel.slice(1))}
${card('Findings', `${summary.bySeverity.critical} critical · ${summary.bySeverity.medium} medium · ${summary.bySeverity.low} low`)}
${card('Reclaimable', `${humanBytes(analysis.savings.droppedBytes)}`)}
${card('Success criteria', `${met} of ${measurable} met`)}
${card('Statistics cover', stats)}
</div>
<p><strong>Risk:</strong> ${summary.riskReason}</p>
<p><strong>Issues found:</strong>${issues.length === 0 ? ' none.' : ''}</p>
${issues.length === 0 ? '' : html`<ul>${issues.map((i) => html`<li><span class="sev sev-${i.severity}">${i.severity}</span> ${i.words}</li>`)}</ul>`}
${analysis.savings.indexWritesSinceReset !== null && analysis.savings.droppedIndexes > 0 ? html`<p><strong>Estimated savings:</strong> ${humanBytes(analysis.savings.droppedBytes)} of index storage from ${countOf(analysis.savings.droppedIndexes, 'index', 'indexes')}, and ${formatCount(analysis.savings.indexWritesSinceReset)} index writes over the statistics period.</p>` : ''}
</section>`;
}

function objectCell(f: Finding, r: FindingRow): SafeHtml {
  if (f.index !== undefined && r.constraint !== null && r.constraint !== f.index)
    return html`${codeName(f.index)} (constraint ${codeName(r.constraint)})`;
  if (r.indexes.length > 0) return html`${r.indexes.map((n, i) => html`${i > 0 ? ', ' : ''}${codeName(n)}`)}`;
  return r.constraint === null ? html`—` : codeName(r.constraint);
}

const FINDING_COLUMNS = [
  { label: 'Index / constraint' },
  { label: 'Table' },
  { label: 'Columns' },
  { label: 'Covered by' },
  { label: 'Size', numeric: true },
  { label: 'Scans', numeric: true },
  { label: 'Writes', numeric: true },
];

function orDash(value: number | null, format: (n: number) => string = formatCount): string {
  return value === null ? '—' : format(value);
}

/** The seed-style table of one rule's findings; none for database-wide findings. */
function findingTable(findings: readonly Finding[], rows: ReturnType<typeof findingRows>): SafeHtml {
  if (!rows.tabular(findings)) return html``;
  return htmlTable(
    FINDING_COLUMNS,
    findings.map((f) => {
      const r = rows.row(f);
      return [
        objectCell(f, r),
        codeName(tableName(f)),
        f.columns && f.columns.length > 0 ? f.columns.join(', ') : '—',
        f.coveredBy === undefined ? '—' : codeName(f.coveredBy),
        orDash(r.sizeBytes, humanBytes),
        orDash(r.scans),
        orDash(r.writes),
      ];
    }),
  );
}

function details(f: Finding): SafeHtml {
  const object = f.index ?? f.constraint;
  const fix =
    f.fix && f.fix.up.length > 0
      ? html`<pre><code>${f.fix.up.map(sqlStatement).join('\n')}</code></pre>${f.fix.down.length > 0 ? html`<details><summary>Undo</summary><pre><code>${f.fix.down.map(sqlStatement).join('\n')}</code></pre></details>` : ''}`
      : html`<p class="muted">No automatic fix: a person must decide.</p>`;
  return html`<li><strong>${object === undefined ? html`<code>${tableName(f)}</code>` : html`<code>${object}</code> on <code>${tableName(f)}</code>`}</strong>: ${f.message}
<br><span class="muted">Help:</span> ${f.help}${(f.fix?.notes ?? []).map((n) => html`<br><span class="muted">Note:</span> ${n}`)}${fix}</li>`;
}

/** One table per rule within each severity, like the seed's, then each finding's message, help and fix. */
export function findingsSection(result: AuditResult): SafeHtml {
  const groups = groupBySeverity(result.findings);
  if (groups.length === 0)
    return html`<section id="findings"><h2>Findings by Severity</h2><p>No findings: no index problems were found.</p></section>`;
  const rows = findingRows(result);
  return html`<section id="findings"><h2>Findings by Severity</h2>${groups.map((group) => {
    const rules = [...new Set(group.findings.map((f) => f.rule))];
    return html`<h3><span class="sev sev-${group.severity}">${severityLabel(group.severity)}</span></h3>${rules.map((rule) => {
      const findings = group.findings.filter((f) => f.rule === rule);
      return html`<h4><code>${rule}</code> — ${countOf(findings.length, 'finding')}</h4>
${findingTable(findings, rows)}
<ul>${findings.map(details)}</ul>`;
    })}`;
  })}</section>`;
}
