/** HTML: strategy by table type, savings, success criteria, next steps, migration, limitations. */
import type { AuditResult } from '../../audit/types.js';
import type { TableType } from '../../rules/context/classify-types.js';
import type { Analysis, CheckStatus, IndexEntry, TableStrategy } from '../analysis/index.js';
import { limitationLines, strategiesByType, TYPE_STRATEGY, verdictOf } from '../analysis/index.js';
import { countOf, findingPath, formatCount, humanBytes, inSeverityOrder, sqlStatement } from '../format.js';
import { html, type HtmlValue, type SafeHtml } from './escape.js';
import { codeName, htmlTable } from './table.js';

const TYPE_TITLE: { readonly [T in TableType]: string } = {
  transaction: 'Transaction tables',
  log: 'Log tables',
  junction: 'Junction tables',
  unknown: 'Tables of unknown type',
};

function verdictCell(e: IndexEntry): SafeHtml {
  const v = verdictOf(e);
  if (v.action === 'drop') return html`<span class="drop">drop</span> — ${v.because}`;
  return v.because === '' ? html`keep` : html`<strong>keep</strong> — ${v.because}`;
}

const dash = '—';

function tableBlock(s: TableStrategy): SafeHtml {
  const w = s.writes;
  const classification = s.source === null ? 'not classified' : `${s.type}, ${s.confidence} confidence, from ${s.source}`;
  const rows = s.rowEstimate === null ? '' : `~${countOf(Math.round(s.rowEstimate), 'row')} · `;
  const measured = w
    ? html`<p class="muted">${rows}${formatCount(w.inserts)} inserts, ${formatCount(w.updates)} updates (${formatCount(w.hotUpdates)} HOT), ${formatCount(w.deletes)} deletes</p>`
    : '';
  const indexRows: HtmlValue[][] = [
    ...s.current.map((e) => [
      codeName(e.name),
      html`<code>${e.keys}</code>${e.traits.length > 0 ? html` <span class="muted">(${e.traits.join(', ')})</span>` : ''}`,
      e.sizeBytes === null ? dash : humanBytes(e.sizeBytes),
      e.scans === null ? dash : formatCount(e.scans),
      verdictCell(e),
    ]),
    ...s.created.map((c) => [
      codeName(c.name),
      html`<code>${c.keys}</code>`,
      dash,
      dash,
      html`<span class="create">create</span> — ${c.finding.rule}`,
    ]),
    ...s.skipped.map(({ index, reason }) => [
      codeName(index.name),
      html`<code>${index.keys}</code>`,
      dash,
      dash,
      html`not created — ${reason} (${index.finding.rule} proposed it)`,
    ]),
  ];
  const columns = [
    { label: 'Index' },
    { label: 'Keys' },
    { label: 'Size', numeric: true },
    { label: 'Scans', numeric: true },
    { label: 'Recommendation' },
  ];
  const recommended = s.recommended.length === 0 ? 'none' : s.recommended.map((n, i) => html`${i > 0 ? ', ' : ''}<code>${n}</code>`);
  return html`<h4><code>${s.schema}.${s.table}</code> <span class="muted">— ${classification}</span></h4>
${measured}
${s.evidence.length > 0 ? html`<ul>${s.evidence.map((e) => html`<li>${e}</li>`)}</ul>` : ''}
${indexRows.length > 0 ? htmlTable(columns, indexRows) : html`<p>No indexes.</p>`}
<p>Recommended index set (${s.current.length} → ${s.recommended.length}): ${recommended}</p>`;
}

/** Strategy by table type. */
export function strategySection(analysis: Analysis): SafeHtml {
  return html`<section id="strategy"><h2>Strategy by Table Type</h2>${strategiesByType(analysis.strategies).map(
    (g) =>
      html`<h3>${TYPE_TITLE[g.type]} (${g.tables.length})</h3><p><strong>Strategy:</strong> ${TYPE_STRATEGY[g.type]}</p>${g.tables.map(tableBlock)}`,
  )}</section>`;
}

/** Estimated savings per table. */
export function savingsSection(analysis: Analysis): SafeHtml {
  const { savings } = analysis;
  if (savings.tables.length === 0)
    return html`<section id="savings"><h2>Estimated Savings</h2><p>No index is recommended for removal or creation.</p></section>`;
  const table = htmlTable(
    [
      { label: 'Table' },
      { label: 'Indexes dropped', numeric: true },
      { label: 'Storage freed', numeric: true },
      { label: 'Index writes per insert', numeric: true },
      { label: 'Index writes saved since reset', numeric: true },
    ],
    savings.tables.map((t) => [
      html`<code>${t.schema}.${t.table}</code>`,
      `${t.droppedIndexes}${t.createdIndexes > 0 ? ` (+${t.createdIndexes} created)` : ''}`,
      t.droppedBytes === null ? dash : humanBytes(t.droppedBytes),
      `${t.indexWritesPerInsertBefore} → ${t.indexWritesPerInsertAfter}`,
      t.indexWritesSinceReset === null ? dash : formatCount(t.indexWritesSinceReset),
    ]),
    [
      'Total',
      savings.droppedIndexes,
      savings.droppedBytes === null ? dash : humanBytes(savings.droppedBytes),
      '',
      savings.indexWritesSinceReset === null ? dash : formatCount(savings.indexWritesSinceReset),
    ],
  );
  return html`<section id="savings"><h2>Estimated Savings</h2>
${table}
<p class="muted">Every insert writes one entry into each index of its table, and so does every update that is not HOT; a dropped index saves one index write per such row write.</p></section>`;
}

const BOX: { readonly [S in CheckStatus]: string } = { pass: '☑', fail: '☐', unknown: '?', 'not-applicable': '–' };
const BOX_TITLE: { readonly [S in CheckStatus]: string } = {
  pass: 'met',
  fail: 'not met',
  unknown: 'not measurable here',
  'not-applicable': 'not applicable',
};

/** The checklist. */
export function checklistSection(analysis: Analysis): SafeHtml {
  return html`<section id="criteria"><h2>Success Criteria</h2>${(['Indexes', 'Monitoring', 'Statistics'] as const).map((group) => {
    const items = analysis.checklist.filter((c) => c.group === group);
    if (items.length === 0) return '';
    return html`<h3>${group}</h3><ul class="checklist">${items.map(
      (c) =>
        html`<li data-check="${c.id}" data-status="${c.status}"><span class="box box-${c.status}" title="${BOX_TITLE[c.status]}">${BOX[c.status]}</span> ${c.label} <span class="muted">— ${c.detail}</span></li>`,
    )}</ul>`;
  })}</section>`;
}

/** Next steps with commands. */
export function nextStepsSection(analysis: Analysis): SafeHtml {
  if (analysis.nextSteps.length === 0) return html`<section id="next-steps"><h2>Next Steps</h2><p>Nothing to do.</p></section>`;
  return html`<section id="next-steps"><h2>Next Steps — Priority Order</h2><ol>${analysis.nextSteps.map(
    (s) =>
      html`<li><strong>[${s.priority}] ${s.title}</strong> — ${s.when}. ${s.detail}${s.commands.length > 0 ? html`<pre><code>${s.commands.join('\n')}</code></pre>` : ''}</li>`,
  )}</ol></section>`;
}

/** The whole migration, up then down. */
export function migrationSection(result: AuditResult): SafeHtml {
  const ordered = inSeverityOrder(result.findings).filter((f) => f.fix && f.fix.up.length > 0);
  if (ordered.length === 0) return html``;
  const up = ordered.map((f) => [`-- ${f.rule}: ${findingPath(f)}`, ...f.fix!.up.map(sqlStatement)].join('\n')).join('\n\n');
  const down = [...ordered]
    .reverse()
    .map((f) =>
      [`-- ${f.rule}: ${findingPath(f)}`, ...(f.fix!.down.length > 0 ? f.fix!.down.map(sqlStatement) : ['-- nothing to undo'])].join('\n'),
    )
    .join('\n\n');
  return html`<section id="migration"><h2>Migration</h2><p><code>dbdoctor fix</code> writes this as a migration (SQL, Alembic or Knex); <code>dbdoctor apply</code> runs it step by step, journaled. Statements with <code>CONCURRENTLY</code> cannot run inside a transaction block.</p>
<h3>Up</h3><pre><code>${up}</code></pre><details><summary>Down</summary><pre><code>${down}</code></pre></details></section>`;
}

/** Statistics age and what the audit could not see. */
export function limitationsSection(result: AuditResult, analysis: Analysis): SafeHtml {
  return html`<section id="limitations"><h2>Statistics and Limitations</h2><ul>${limitationLines(result, analysis.statistics).map((i) => html`<li>${i}</li>`)}</ul></section>`;
}

/** Findings the configuration silenced, with the reason it gives. */
export function silencedSection(result: AuditResult): SafeHtml {
  const suppressed = result.suppressed ?? [];
  if (suppressed.length === 0) return html``;
  return html`<section id="silenced"><h2>Silenced</h2><p>${countOf(suppressed.length, 'finding')} silenced by the configuration and not counted above:</p>
<table><thead><tr><th>Rule</th><th>Object</th><th>Severity</th><th>Reason</th></tr></thead><tbody>${suppressed.map(
    (s) =>
      html`<tr><td><code>${s.finding.rule}</code></td><td><code>${findingPath(s.finding)}</code></td><td>${s.finding.severity}</td><td>${s.reason}</td></tr>`,
  )}</tbody></table></section>`;
}
