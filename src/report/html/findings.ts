/** HTML: the executive summary (the findings are in entries.ts, one per object). */
import type { AuditResult } from '../../audit/types.js';
import type { Analysis } from '../analysis/index.js';
import { describeAge } from '../analysis/index.js';
import { countOf, formatCount, humanBytes, issueList } from '../format.js';
import { html, type SafeHtml } from './escape.js';
import { criteriaMet } from '../analysis/check.js';

function card(label: string, value: SafeHtml | string, cls = ''): SafeHtml {
  return html`<div class="card"><div class="label">${label}</div><div class="value ${cls}">${value}</div></div>`;
}

/** Status, issues, risk and the headline numbers. */
export function summarySection(result: AuditResult, analysis: Analysis): SafeHtml {
  const { summary } = result;
  const issues = issueList(result);
  const { statistics } = analysis;
  const stats = !statistics.readable ? 'not readable' : statistics.ageDays === null ? 'age unknown' : describeAge(statistics.ageDays);
  return html`<section id="summary"><h2>Executive Summary</h2>
<div class="cards">
${card('Status', summary.status, `status-${summary.status.replace(/ /g, '-')}`)}
${card('Risk level', summary.riskLevel.charAt(0).toUpperCase() + summary.riskLevel.slice(1))}
${card('Objects with findings', (['critical', 'medium', 'low'] as const).map((sev) => `${analysis.entries.filter((e) => e.severity === sev).length} ${sev}`).join(' · '))}
${card('Reclaimable', analysis.savings.droppedBytes === null ? 'unknown' : humanBytes(analysis.savings.droppedBytes))}
${card('Success criteria', criteriaMet(analysis.checklist))}
${card('Statistics cover', stats)}
</div>
<p><strong>Risk:</strong> ${summary.riskReason}</p>
<p><strong>Issues found:</strong>${issues.length === 0 ? ' none.' : ''}</p>
${issues.length === 0 ? '' : html`<ul>${issues.map((i) => html`<li><span class="sev sev-${i.severity}">${i.severity}</span> ${i.words}</li>`)}</ul>`}
${analysis.savings.indexWritesSinceReset !== null && analysis.savings.droppedBytes !== null && analysis.savings.droppedIndexes > 0 ? html`<p><strong>Estimated savings:</strong> ${humanBytes(analysis.savings.droppedBytes)} of index storage from ${countOf(analysis.savings.droppedIndexes, 'index', 'indexes')}, and ${formatCount(analysis.savings.indexWritesSinceReset)} index writes over the statistics period.</p>` : ''}
</section>`;
}
