/** The index-strategy document as one self-contained HTML page (the report's page shell and charts). */
import { humanBytes, formatCount } from '../format.js';
import { quoteQualified } from '../../sql/quote.js';
import { htmlPage } from '../html/page.js';
import { barChart } from '../html/charts.js';
import { html, type SafeHtml } from '../html/escape.js';
import type { IndexEntry, QueryLine, StrategyDocument, TableSection } from './strategy.js';

function count(n: number | null): string {
  return n === null ? '?' : formatCount(n);
}

function ms(n: number | null): string {
  return n === null ? '?' : n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${n.toFixed(n < 10 ? 2 : 0)} ms`;
}

function bytes(n: number | null): string {
  return n === null ? '?' : humanBytes(n);
}

function queriesTable(queries: readonly QueryLine[]): SafeHtml {
  return html`<table><thead><tr><th>query</th><th>calls</th><th>total</th><th>mean</th></tr></thead><tbody>${queries.map(
    (q) =>
      html`<tr><td><code>${q.text}</code></td><td class="num">${count(q.calls)}</td><td class="num">${ms(q.totalMs)}</td><td class="num">${ms(q.meanMs)}</td></tr>`,
  )}</tbody></table>`;
}

function indexRow(i: IndexEntry): SafeHtml {
  const serves =
    i.serves.length === 0
      ? html`${i.enforces ? `enforces ${i.enforces}` : 'no query of the workload'}`
      : html`<ul>${i.serves.map((q) => html`<li><code>${q.text}</code> (${count(q.calls)} calls, ${q.keysUsed} key${q.keysUsed === 1 ? '' : 's'}${q.plannerPicksIt === true ? ', planner picks it' : ''})</li>`)}</ul>`;
  const verdict =
    (i.verdicts.length === 0 ? 'keep' : i.verdicts.map((v) => `${v.action} (${v.rule})`).join(', ')) +
    (i.conflict ? ` — ⚠ ${i.conflict}` : '');
  const bloat = i.bloat.status === 'estimated' ? `${(i.bloat.bloatFraction * 100).toFixed(0)}%` : '–';
  return html`<tr><td><code>${i.name}</code></td><td><code>${i.definition}</code></td><td class="num">${bytes(i.sizeBytes)}</td><td class="num">${count(i.scans)}</td><td class="num">${count(i.entryWrites)}</td><td>${serves}</td><td class="num">${bloat}</td><td>${verdict}</td></tr>`;
}

function tableSection(t: TableSection): SafeHtml {
  const c = t.classification;
  const m = t.maintenance;
  return html`<section id="${`table-${t.schema}.${t.table}`}"><h3>${t.schema}.${t.table}</h3>
<p><strong>Type:</strong> ${c ? `${c.type} (${c.confidence} confidence, from ${c.source})` : 'unknown'} · <strong>rows:</strong> ${count(t.rows)} · <strong>heap:</strong> ${bytes(t.sizeBytes)} · <strong>indexes:</strong> ${bytes(t.indexesSizeBytes)}</p>
${c && c.evidence.length > 0 ? html`<ul>${c.evidence.map((e) => html`<li>${e}</li>`)}</ul>` : ''}
${t.queries.length > 0 ? queriesTable(t.queries.slice(0, 10)) : html`<p>No query of the workload reads or writes this table.</p>`}
${t.indexes.length > 0 ? html`<table><thead><tr><th>index</th><th>definition</th><th>size</th><th>scans</th><th>entry writes</th><th>serves</th><th>est. bloat</th><th>verdict</th></tr></thead><tbody>${t.indexes.map(indexRow)}</tbody></table>` : ''}
${m ? html`<p>Maintenance: ${formatCount(m.modifications)} rows changed since the statistics reset; autoanalyze after ${formatCount(m.analyzeTrigger)} changed rows, autovacuum after ${formatCount(m.vacuumTrigger)} dead rows; last autovacuum ${m.lastAutovacuum ?? 'never'}, last autoanalyze ${m.lastAutoanalyze ?? 'never'}.</p>${m.actions.length > 0 ? html`<ul>${m.actions.map((a) => html`<li>${a}</li>`)}</ul>` : ''}` : ''}
</section>`;
}

function recommendations(title: string, list: StrategyDocument['remove'], empty: string): SafeHtml {
  return html`<h3>${title} (${list.length})</h3>${
    list.length === 0
      ? html`<p>${empty}</p>`
      : html`<ul>${list.map(
          (r) =>
            html`<li><strong>${r.schema}.${r.index ?? r.table}</strong> (${r.rules.join(', ')}; ${r.severity})<ul>${r.reasons.map((m) => html`<li>${m}</li>`)}</ul>Plan: ${r.action}${r.up.map((s) => html`<br><code>${s}</code>`)}</li>`,
        )}</ul>`
  }`;
}

/** Renders the document as a complete HTML page; every name and query text is escaped. */
export function renderStrategyHtml(doc: StrategyDocument): string {
  const withIndexes = doc.tables.filter((t) => t.indexes.length > 0);
  const chart = barChart({
    id: 'index-size-by-table',
    title: 'Index size per table',
    categories: withIndexes.map((t) => t.table),
    series: [
      { name: 'indexes', values: withIndexes.map((t) => t.indexesSizeBytes ?? 0) },
      { name: 'heap', values: withIndexes.map((t) => t.sizeBytes ?? 0) },
    ],
    format: (v) => humanBytes(v),
    bytes: true,
  });
  const actions = doc.tables.flatMap((t) =>
    (t.maintenance?.actions ?? []).map((a) => html`<li><strong>${t.schema}.${t.table}</strong>: ${a}</li>`),
  );
  const body = html`
<p>Statistics ${doc.statisticsSince ? `since ${doc.statisticsSince} (${doc.statisticsAgeDays?.toFixed(1) ?? '?'} days)` : 'since an unknown reset'}. Workload: ${doc.workloadSummary}.</p>
<p>Each index is tied to the queries that use its leading keys (a btree serves a query only through a left prefix of its keys). "Entry writes" counts the inserts and non-HOT updates since the statistics reset: each one also wrote an entry of every index.</p>
<section><h2>Expected query patterns</h2>${doc.topQueries.length === 0 ? html`<p>No workload was available.</p>` : queriesTable(doc.topQueries)}</section>
<section><h2>Recommended changes</h2>${recommendations('Remove', doc.remove, 'Nothing to remove.')}${recommendations('Add', doc.add, 'Nothing to add.')}</section>
<section><h2>Tables and their indexes</h2>${chart}${doc.tables.map(tableSection)}</section>
<section><h2>Maintenance schedule</h2><ul>${actions.length > 0 ? actions : html`<li>Autovacuum's defaults serve every table at the measured write rates.</li>`}</ul>
<h3>REINDEX candidates</h3><p>Estimated from the row count and pg_stats average widths (±20–30%; deduplication can make an index smaller than estimated, never larger; expression and partial indexes are not estimated). Confirm with pgstattuple before acting.</p>
${doc.reindex.length === 0 ? html`<p>None: no index is estimated at 30% or more (and 1 MB or more) larger than its entries need.</p>` : html`<table><thead><tr><th>index</th><th>table</th><th>size</th><th>needed</th><th>bloat</th><th>statement</th></tr></thead><tbody>${doc.reindex.map((r) => html`<tr><td><code>${r.index}</code></td><td>${r.schema}.${r.table}</td><td class="num">${bytes(r.actualBytes)}</td><td class="num">${bytes(r.expectedBytes)}</td><td class="num">${(r.bloatFraction * 100).toFixed(0)}%</td><td><code>${`REINDEX INDEX CONCURRENTLY ${quoteQualified(r.schema, r.index)}`}</code></td></tr>`)}</tbody></table>`}
<h3>When to audit again</h3><ul>${doc.rerun.map((r) => html`<li>${r}</li>`)}</ul></section>
${doc.notes.length > 0 ? html`<section><h2>Notes</h2><ul>${doc.notes.map((n) => html`<li>${n}</li>`)}</ul></section>` : ''}`;
  return htmlPage({ title: doc.title, subtitle: `Generated by dbdoctor from ${doc.target} at ${doc.generatedAt}`, body }).toString();
}
