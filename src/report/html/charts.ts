/**
 * Horizontal bar charts as inline SVG: no script, no fonts or images to load, so they render
 * offline, in print and in any browser. One row per category; series stack within a row.
 */
import { html, type SafeHtml } from './escape.js';

/** One stacked part of the bars. */
interface ChartSeries {
  readonly name: string;
  /** One value per category (negative and non-finite values count as 0). */
  readonly values: readonly number[];
}

/** What to draw. */
export interface BarChartSpec {
  /** Caption above the chart, and its accessible name. */
  readonly title: string;
  /** Row labels (table names), in drawing order. */
  readonly categories: readonly string[];
  /** Up to four series; colours follow the series order. */
  readonly series: readonly ChartSeries[];
  /** How values print on the axis and at the end of each row. */
  readonly format: (value: number) => string;
  /** A stable id for tests and anchors. */
  readonly id: string;
  /** A line under the chart (what the numbers are). */
  readonly note?: string;
  /** Values are bytes: axis steps are round in kB, MB, GB (powers of 1024). */
  readonly bytes?: boolean;
}

const WIDTH = 760;
const ROW = 22;
const BAR = 14;
const TOP = 8;
const AXIS = 22;
const MAX_LABEL_CHARS = 34;
const CHAR_PX = 6.6;
const VALUE_PX = 80;

function clean(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}

/** A round step so the axis shows about four ticks: 1, 2 or 5 times a power of ten. */
export function niceStep(max: number, ticks = 4): number {
  if (!(max > 0)) return 1;
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return step;
}

/** A round step in a power-of-1024 unit (so a byte axis reads 512 kB, 1 MB, 1.5 MB). */
export function niceByteStep(max: number, ticks = 4): number {
  if (!(max > 0)) return 1;
  let unit = 1;
  while (max / unit >= 1024) unit *= 1024;
  return niceStep(max / unit, ticks) * unit;
}

function truncate(label: string): string {
  const chars = [...label];
  return chars.length <= MAX_LABEL_CHARS ? label : `${chars.slice(0, MAX_LABEL_CHARS - 1).join('')}…`;
}

function px(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/**
 * A horizontal, stacked bar chart. Each non-zero part is one `rect.bar` with `data-series`,
 * `data-category` and `data-value`, and a `<title>` for its tooltip; zero parts are not drawn.
 */
export function barChart(spec: BarChartSpec): SafeHtml {
  const totals = spec.categories.map((_, i) => spec.series.reduce((sum, s) => sum + clean(s.values[i]), 0));
  const max = Math.max(0, ...totals);
  const step = spec.bytes ? niceByteStep(max) : niceStep(max);
  const axisMax = max > 0 ? Math.ceil(max / step) * step : step;
  const labelWidth = Math.min(MAX_LABEL_CHARS, Math.max(4, ...spec.categories.map((c) => [...truncate(c)].length))) * CHAR_PX + 12;
  const plotX = labelWidth;
  const plotWidth = WIDTH - plotX - VALUE_PX;
  const height = TOP + spec.categories.length * ROW + AXIS;
  const scale = (v: number): number => (v / axisMax) * plotWidth;
  const ticks: SafeHtml[] = [];
  for (let v = 0; v <= axisMax + step / 2; v += step) {
    const x = plotX + scale(v);
    ticks.push(html`<line x1="${px(x)}" x2="${px(x)}" y1="${TOP}" y2="${px(height - AXIS)}"/>`);
  }
  const tickLabels: SafeHtml[] = [];
  for (let v = 0; v <= axisMax + step / 2; v += step) {
    tickLabels.push(html`<text x="${px(plotX + scale(v))}" y="${px(height - 6)}" text-anchor="middle">${spec.format(v)}</text>`);
  }
  const rows = spec.categories.map((category, i) => {
    const y = TOP + i * ROW + (ROW - BAR) / 2;
    let x = plotX;
    const parts = spec.series.map((s, si) => {
      const value = clean(s.values[i]);
      if (value === 0) return '';
      const w = Math.max(1, scale(value));
      const rect = html`<rect class="bar s${si % 4}" x="${px(x)}" y="${px(y)}" width="${px(w)}" height="${BAR}" data-series="${s.name}" data-category="${category}" data-value="${value}"><title>${category} — ${s.name}: ${spec.format(value)}</title></rect>`;
      x += w;
      return rect;
    });
    return html`<g class="row"><text x="${px(plotX - 8)}" y="${px(y + BAR - 3)}" text-anchor="end">${truncate(category)}<title>${category}</title></text>${parts}<text x="${px(x + 6)}" y="${px(y + BAR - 3)}">${spec.format(totals[i]!)}</text></g>`;
  });
  const legend =
    spec.series.length > 1
      ? html`<div class="legend">${spec.series.map((s, si) => html`<span><i class="s${si % 4}"></i>${s.name}</span>`)}</div>`
      : '';
  const empty = spec.categories.length === 0 ? html`<p class="muted">No data.</p>` : '';
  const svg =
    spec.categories.length === 0
      ? ''
      : html`<svg class="chart" id="${spec.id}" role="img" aria-label="${spec.title}" viewBox="0 0 ${WIDTH} ${px(height)}" xmlns="http://www.w3.org/2000/svg"><g class="grid">${ticks}</g><g class="axis">${tickLabels}</g>${rows}</svg>`;
  return html`<figure class="chart" data-chart="${spec.id}"><figcaption>${spec.title}</figcaption>${svg}${empty}${legend}${spec.note ? html`<p class="muted">${spec.note}</p>` : ''}</figure>`;
}

/** Numbers with k/M suffixes for axes. */
export function compactCount(n: number): string {
  if (n >= 1e6) return `${Math.round(n / 1e5) / 10}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  if (n >= 1e3) return `${Math.round(n / 100) / 10}k`;
  return String(Math.round(n));
}
