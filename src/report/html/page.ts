/**
 * A self-contained HTML page: inline CSS, no scripts, no external resources (a Content Security
 * Policy forbids loading any), readable in light and dark mode and printable. Shared by every
 * HTML document dbdoctor writes (the audit report, the index strategy document).
 */
import { html, raw, type HtmlValue, type SafeHtml } from './escape.js';

/** What a page holds. */
export interface PageOptions {
  readonly title: string;
  /** The document body: sections built with `html`. */
  readonly body: HtmlValue;
  /** A line under the title (target, date). */
  readonly subtitle?: string;
  /** Extra CSS for this document (trusted, from code). */
  readonly css?: string;
  readonly lang?: string;
}

/** The stylesheet every page carries; chart colours are CSS variables so dark mode recolours them. */
const PAGE_CSS = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--border:#d1d9e0;--accent:#0969da;
--critical:#cf222e;--medium:#9a6700;--low:#1a7f37;--ok:#1a7f37;
--c0:#0969da;--c1:#cf222e;--c2:#bf8700;--c3:#8250df;--grid:#d1d9e0}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--panel:#151b23;--border:#3d444d;--accent:#4493f8;
--critical:#f85149;--medium:#d29922;--low:#3fb950;--ok:#3fb950;--c0:#4493f8;--c1:#f85149;--c2:#d29922;--c3:#ab7df8;--grid:#3d444d}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1100px;padding:24px 32px 48px;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:28px;margin:0 0 4px}h2{font-size:22px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--border)}
h3{font-size:18px;margin:24px 0 8px}h4{font-size:15px;margin:18px 0 6px}
.subtitle{color:var(--muted);margin:0 0 16px}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{background:var(--panel);border-radius:4px;padding:1px 4px;overflow-wrap:break-word}
pre{background:var(--panel);border:1px solid var(--border);border-radius:6px;padding:10px 12px;overflow-x:auto;white-space:pre-wrap}
pre code{background:none;padding:0}
table{border-collapse:collapse;width:100%;margin:8px 0 12px;font-size:14px}
.table-wrap{overflow-x:auto}.table-wrap table{margin:0}.table-wrap{margin:8px 0 12px}
th,td{border:1px solid var(--border);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--panel)}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px;margin:12px 0}
.card{border:1px solid var(--border);border-radius:8px;padding:10px 14px;background:var(--panel)}
.card .label{color:var(--muted);font-size:13px}.card .value{font-size:20px;font-weight:600}
.status-HEALTHY{color:var(--ok)}.status-NEEDS-REFINEMENT{color:var(--medium)}.status-AT-RISK{color:var(--critical)}
.sev{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff}
.sev-critical{background:var(--critical)}.sev-medium{background:var(--medium)}.sev-low{background:var(--low)}
.muted{color:var(--muted)}.drop{color:var(--critical);font-weight:600}.create{color:var(--low);font-weight:600}
ul.checklist{list-style:none;padding-left:0}ul.checklist li{margin:3px 0}
.box{display:inline-block;width:1.4em;text-align:center;font-weight:700}
.box-pass{color:var(--ok)}.box-fail{color:var(--critical)}.box-unknown,.box-not-applicable{color:var(--muted)}
figure.chart{margin:12px 0 20px;border:1px solid var(--border);border-radius:8px;padding:10px 12px;break-inside:avoid}
figure.chart figcaption{font-weight:600;margin-bottom:6px}
svg.chart{display:block;width:100%;height:auto}
svg.chart text{fill:var(--fg);font:12px system-ui,sans-serif}svg.chart .axis text{fill:var(--muted)}
svg.chart .grid line{stroke:var(--grid);stroke-width:1}
svg.chart .s0{fill:var(--c0)}svg.chart .s1{fill:var(--c1)}svg.chart .s2{fill:var(--c2)}svg.chart .s3{fill:var(--c3)}
.legend{display:flex;gap:16px;flex-wrap:wrap;font-size:13px;color:var(--muted);margin:4px 0 0}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:baseline}
.legend .s0{background:var(--c0)}.legend .s1{background:var(--c1)}.legend .s2{background:var(--c2)}.legend .s3{background:var(--c3)}
footer{margin-top:40px;color:var(--muted);font-size:13px;border-top:1px solid var(--border);padding-top:8px}
@media print{body{max-width:none;padding:0;font-size:12px}h2{break-after:avoid}pre{white-space:pre-wrap}a{color:inherit}
:root{--fg:#000;--bg:#fff;--panel:#f4f4f4}}
`;

// No script, no remote fetch of any kind: the page must work from a file, offline.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** A complete HTML document. */
export function htmlPage(options: PageOptions): SafeHtml {
  return html`<!DOCTYPE html>
<html lang="${options.lang ?? 'en'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dbdoctor">
<title>${options.title}</title>
<style>${raw(PAGE_CSS)}${raw(options.css ?? '')}</style>
</head>
<body>
<header><h1>${options.title}</h1>${options.subtitle === undefined ? '' : html`<p class="subtitle">${options.subtitle}</p>`}</header>
<main>
${options.body}
</main>
</body>
</html>
`;
}
