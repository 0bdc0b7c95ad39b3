import { describe, expect, test } from 'vitest';
import { analyze } from '../../src/report/analysis/index.js';
import { barChart, niceByteStep, niceStep } from '../../src/report/html/charts.js';
import { chartSpecs } from '../../src/report/html/charts-data.js';
import { escapeHtml, html, raw } from '../../src/report/html/escape.js';
import { htmlPage } from '../../src/report/html/page.js';
import { codeName, htmlTable } from '../../src/report/html/table.js';
import { reporters } from '../../src/report/index.js';
import { makeFindings, makeResult, makeRichResult } from './fixture.js';
import { allRules, ruleById } from '../../src/rules/index.js';
import { ruleDocsUrl } from '../../src/report/links.js';

const ODD = '<b>"odd" & ünïcode</b>';

describe('html escaping', () => {
  test('interpolations are escaped, SafeHtml and arrays are not double-escaped', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html`<p title="${'"q"'}">${'<i>'}${raw('<br>')}${[1, '<', html`<b>${'&'}</b>`]}${null}${false}</p>`.value).toBe(
      '<p title="&quot;q&quot;">&lt;i&gt;<br>1&lt;<b>&amp;</b></p>',
    );
    expect(escapeHtml('a\u0000b\u001bc\td')).toBe('a\ufffdb\ufffdc\td');
  });

  test('a page is one document with inline CSS, no script and a CSP that forbids loading anything', () => {
    const page = htmlPage({ title: 'T <1>', body: html`<p>x</p>` }).value;
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<title>T &lt;1&gt;</title>');
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`.replace(/'/g, '&#39;'));
    expect(page).toContain('prefers-color-scheme:dark');
    expect(page).toContain('@media print');
  });
});

describe('html tables', () => {
  test('numeric columns right-aligned, cells escaped, footer row, names wrap only after _ . ,', () => {
    const table = htmlTable([{ label: 'Name' }, { label: 'Size', numeric: true }], [[codeName('ix_a.<b>'), 12]], ['Total', 12]).value;
    expect(table).toBe(
      '<div class="table-wrap"><table><thead><tr><th>Name</th><th class="num">Size</th></tr></thead>' +
        '<tbody><tr><td><code>ix_<wbr>a.<wbr>&lt;b&gt;</code></td><td class="num">12</td></tr></tbody>' +
        '<tfoot><tr><th>Total</th><th class="num">12</th></tr></tfoot></table></div>',
    );
  });
});

describe('charts', () => {
  test('axis steps are round: 1, 2 or 5 times a power of ten; bytes in powers of 1024', () => {
    expect(niceStep(47_000)).toBe(20_000);
    expect(niceStep(9)).toBe(5);
    expect(niceStep(0)).toBe(1);
    expect(niceByteStep(2.5 * 1024 * 1024)).toBe(1024 * 1024);
    expect(niceByteStep(800 * 1024)).toBe(200 * 1024);
  });

  test('one rect per non-zero part, stacked left to right, names escaped', () => {
    const svg = barChart({
      id: 'c',
      title: 'T',
      categories: ['a', ODD],
      series: [
        { name: 'x', values: [10, 0] },
        { name: 'y', values: [5, 20] },
      ],
      format: String,
    }).value;
    const bars = [...svg.matchAll(/<rect class="bar s(\d)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => ({
      series: Number(m[1]),
      x: Number(m[2]),
      width: Number(m[3]),
    }));
    expect(bars).toHaveLength(3);
    // Row a: x then y, y starts where x ends; the longest row (20) spans the same width as 2 × 10.
    expect(bars[1]!.x).toBeCloseTo(bars[0]!.x + bars[0]!.width, 0);
    expect(bars[2]!.width).toBeCloseTo(2 * bars[0]!.width, 0);
    expect(svg).not.toContain(ODD);
    expect(svg).toContain('&lt;b&gt;&quot;odd&quot; &amp; ünïcode&lt;/b&gt;');
  });

  test('the report charts index size, scans and writes per table, only rows with data', () => {
    const result = makeRichResult();
    const specs = chartSpecs(result, analyze(result));
    expect(specs.map((s) => [s.id, s.categories])).toEqual([
      ['chart-index-size', ['public.users', 'public.orders', `public.${ODD}`]],
      ['chart-scans', ['public.users', 'public.orders']],
      ['chart-writes', ['public.orders', 'public.users', `public.${ODD}`]],
    ]);
    expect(specs[0]!.series.map((s) => s.values)).toEqual([
      [16_384, 16_384, 16_384],
      [1_258_291, 8192, 0],
    ]);
    expect(specs[2]!.series.map((s) => s.values)).toEqual([
      [1000, 100, 7],
      [10, 50, 0],
      [0, 5, 0],
    ]);
  });
});

describe('html reporter', () => {
  const page = reporters.html.render(makeRichResult(), { color: true });

  test('self-contained: no scripts, no external resources', () => {
    expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    // Nothing is loaded (no src); links are to this page's anchors or to a rule's docs page, followed only when clicked.
    expect(page).not.toMatch(/\bsrc\s*=/i);
    const hrefs = [...page.matchAll(/href\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!);
    const docs = new Set(allRules.map((r) => ruleDocsUrl(r.docs.page)));
    expect(hrefs.filter((h) => !h.startsWith('#') && !docs.has(h))).toEqual([]);
    // Other absolute URLs: only the SVG namespace, which is a name, not a fetch.
    const absolute = [...page.matchAll(/https?:\/\/[^\s"<]+/g)].map((m) => m[0]);
    expect(absolute.filter((u) => u !== 'http://www.w3.org/2000/svg' && !docs.has(u))).toEqual([]);
    expect(page).not.toContain('\u001b');
  });

  test('every section of the report, with names escaped', () => {
    for (const id of ['summary', 'charts', 'findings', 'strategy', 'savings', 'criteria', 'next-steps', 'migration', 'limitations'])
      expect(page).toContain(`<section id="${id}">`);
    expect(page).not.toContain(ODD);
    expect(page).toContain('public.&lt;b&gt;&quot;odd&quot; &amp; ünïcode&lt;/b&gt;');
    expect(page).toContain('<li data-check="no-duplicate-indexes" data-status="fail">');
    expect(page).toContain('dbdoctor fix postgres://app@db.example/app --rule duplicate-index');
    expect(page.match(/<rect class="bar/g)).toHaveLength(5 + 4 + 6);
  });

  test('silenced findings are listed with their reason', () => {
    const [dup] = makeFindings();
    const out = reporters.html.render({ ...makeResult(), suppressed: [{ finding: dup!, reason: 'kept for <reasons>' }] }, { color: false });
    expect(out).toContain('<section id="silenced">');
    expect(out).toContain('kept for &lt;reasons&gt;');
  });

  test('no findings, no statistics: still a whole page', () => {
    const result = makeResult({ findings: [] });
    const blind = {
      ...result,
      model: { ...result.model, capabilities: { ...result.model.capabilities, usageStatistics: false }, tables: [] },
    };
    const out = reporters.html.render(blind, { color: false });
    expect(out).toContain('No findings');
    expect(out).toContain('Usage statistics could not be read');
    expect(out.trimEnd().endsWith('</html>')).toBe(true);
  });
});

describe('html: one entry per object, rule links, contents', () => {
  const result = makeRichResult();
  const page = reporters.html.render(result, { color: false });
  const entries = analyze(result).entries;

  test('every object is one entry holding every reason, with one plan', () => {
    // An entry runs from its opening tag to the next entry's, or to the end of its severity's list.
    const starts = [...page.matchAll(/<li id="(entry-\d+)" class="entry">/g)];
    expect(starts).toHaveLength(entries.length);
    starts.forEach((start, i) => {
      expect(start[1]).toBe(`entry-${i + 1}`);
      const rest = page.slice(start.index + start[0].length);
      const body = rest.slice(0, rest.search(/<li id="entry-|<h3|<\/section>/));
      // The entries come in the analysis' order (by severity, then size, then name).
      const entry = entries[i]!;
      for (const f of entry.findings) expect(body).toContain(escapeHtml(f.message));
      expect(body.match(/<strong>(Fix \(\w+\)|Keep|Advice):<\/strong>/g)).toHaveLength(1);
    });
    // Each table row links to its entry.
    for (let i = 1; i <= entries.length; i++) expect(page).toContain(`<a href="#entry-${i}">`);
  });

  test('a rule id links to its docs page', () => {
    for (const rule of new Set(result.findings.map((f) => f.rule))) {
      const page_ = ruleById(rule)!.docs.page;
      expect(page).toContain(`<a class="rule" href="${ruleDocsUrl(page_)}"><code>${rule}</code></a>`);
    }
  });

  test('the contents link every section and every severity present', () => {
    const nav = /<nav id="contents"[\s\S]*?<\/nav>/.exec(page)![0];
    const sections = [...page.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1]!);
    expect(sections.length).toBeGreaterThan(5);
    for (const id of sections) expect(nav).toContain(`<a href="#${id}">`);
    for (const severity of new Set(entries.map((e) => e.severity))) {
      expect(nav).toContain(`<a href="#severity-${severity}">`);
      expect(page).toContain(`<h3 id="severity-${severity}">`);
    }
  });
});
