/**
 * HTML findings: one entry per object (src/report/analysis/entries.ts), like the text and
 * markdown reports — a table of the objects of each severity, then each object with every
 * reason (its rule linked to the rule's docs page) and the one thing the fix plan does to it.
 */
import type { AuditResult } from '../../audit/types.js';
import { ruleById } from '../../rules/index.js';
import { entriesBySeverity, type ReportEntry } from '../analysis/entries.js';
import { countOf, formatCount, humanBytes, severityLabel, sqlStatement } from '../format.js';
import { ruleDocsUrl } from '../links.js';
import { html, raw, type SafeHtml } from './escape.js';
import { codeName, htmlTable } from './table.js';

/** A rule id linked to its docs page (a link to follow, not a resource the page loads). */
function ruleLinkHtml(rule: string): SafeHtml {
  const known = ruleById(rule);
  return known ? html`<a class="rule" href="${ruleDocsUrl(known.docs.page)}"><code>${rule}</code></a>` : html`<code>${rule}</code>`;
}

function title(e: ReportEntry): SafeHtml {
  if (e.kind === 'database') return codeName(e.name ?? 'database');
  return codeName(e.name ?? `${e.schema}.${e.table}`);
}

const KIND_WORDS: { readonly [K in ReportEntry['kind']]: string } = {
  index: 'index',
  'new-index': 'new index',
  'foreign-key': 'foreign key',
  table: 'table',
  database: 'setting',
};

const PLAN_WORDS: { readonly [K in ReportEntry['decision']['kind']]: string } = {
  drop: 'drop',
  create: 'create',
  change: 'replace',
  kept: 'keep',
  advice: 'review',
};

function what(e: ReportEntry): string {
  return `${KIND_WORDS[e.kind]}${e.keys.length > 0 ? ` (${e.keys.join(', ')})` : ''}`;
}

function rulesOf(e: ReportEntry): SafeHtml {
  return html`${[...new Set(e.findings.map((f) => f.rule))].map((r, i) => html`${i > 0 ? ', ' : ''}${ruleLinkHtml(r)}`)}`;
}

/** What the plan does to the object: its statements and the way back, or why nothing is automatic. */
function decisionHtml(e: ReportEntry): SafeHtml {
  const d = e.decision;
  if (d.kind === 'kept') return html`<p><strong>Keep:</strong> the fix plan refuses to drop it — ${d.summary}</p>`;
  if (d.kind === 'advice') return html`<p><strong>Advice:</strong> ${d.summary}</p>`;
  const undo =
    d.down.length > 0 ? html`<details><summary>Undo</summary><pre><code>${d.down.map(sqlStatement).join('\n')}</code></pre></details>` : '';
  return html`<p><strong>Fix (${PLAN_WORDS[d.kind]}):</strong> ${d.summary}</p><pre><code>${d.up.map(sqlStatement).join('\n')}</code></pre>${undo}${d.notes.map((n) => html`<p class="muted">Note: ${n}</p>`)}`;
}

function detail(e: ReportEntry, id: string): SafeHtml {
  const where = e.kind === 'database' || e.name === null ? '' : html` on ${codeName(`${e.schema}.${e.table}`)}`;
  const at = e.location === null ? '' : html` <span class="muted">(${e.location.file}:${e.location.line})</span>`;
  return html`<li id="${id}" class="entry"><strong>${title(e)}</strong>${where}${at}
<ul>${e.findings.map((f) => html`<li>${ruleLinkHtml(f.rule)}: ${f.message}<br><span class="muted">Help:</span> ${f.help}</li>`)}</ul>
${decisionHtml(e)}</li>`;
}

const COLUMNS = [
  { label: 'Object' },
  { label: 'Table' },
  { label: 'What' },
  { label: 'Reasons' },
  { label: 'Size', numeric: true },
  { label: 'Scans', numeric: true },
  { label: 'Plan' },
];

/** Findings by severity, one entry per object; every object's details follow its severity's table. */
export function entriesSection(result: AuditResult, entries: readonly ReportEntry[]): SafeHtml {
  const groups = entriesBySeverity(entries);
  if (groups.length === 0)
    return html`<section id="findings"><h2>Findings by Severity</h2><p>No findings: no index problems were found.</p></section>`;
  let n = 0;
  const baseline = result.summary.baseline
    ? html`<p class="muted">${countOf(result.summary.baseline.known, 'known finding')} of the baseline <code>${result.summary.baseline.file}</code> left out.</p>`
    : '';
  return html`<section id="findings"><h2>Findings by Severity</h2>${groups.map((group) => {
    const ids = group.entries.map(() => `entry-${++n}`);
    const findings = group.entries.reduce((sum, e) => sum + e.findings.length, 0);
    const rows = group.entries.map((e, i) => [
      html`<a href="#${ids[i]}">${title(e)}</a>`,
      e.kind === 'database' ? '—' : codeName(`${e.schema}.${e.table}`),
      what(e),
      rulesOf(e),
      e.sizeBytes === null ? '—' : humanBytes(e.sizeBytes),
      e.scans === null ? '—' : formatCount(e.scans),
      PLAN_WORDS[e.decision.kind],
    ]);
    return html`<h3 id="severity-${group.severity}"><span class="sev sev-${group.severity}">${severityLabel(group.severity)}</span> ${countOf(group.entries.length, 'object')}, ${countOf(findings, 'finding')}</h3>
${htmlTable(COLUMNS, rows)}
<ul class="entries">${group.entries.map((e, i) => detail(e, ids[i]!))}</ul>`;
  })}${baseline}</section>`;
}

/** A table of contents: every section of the page by its heading, and the severities under the findings. */
export function tableOfContents(body: SafeHtml): SafeHtml {
  const sections = [...body.value.matchAll(/<section id="([^"]+)">\s*<h2>(.*?)<\/h2>/g)];
  const severities = [...body.value.matchAll(/<h3 id="(severity-[a-z]+)"><span class="sev [^"]+">([^<]+)<\/span>/g)];
  return html`<nav id="contents" aria-label="Contents"><h2>Contents</h2><ol>${sections.map(([, id, heading]) => {
    const sub =
      id === 'findings' && severities.length > 0
        ? html`<ol>${severities.map(([, sid, label]) => html`<li><a href="#${sid}">${label}</a></li>`)}</ol>`
        : '';
    // The heading is already-escaped markup from this page: its text is reused, not re-escaped.
    return html`<li><a href="#${id}">${raw(heading!.replace(/<[^>]*>/g, ''))}</a>${sub}</li>`;
  })}</ol></nav>`;
}
