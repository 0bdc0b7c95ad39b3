/** The report's charts: index size, scans and writes per table, from the analysis. */
import { isDropped, type Analysis } from '../analysis/index.js';
import type { AuditResult } from '../../audit/types.js';
import { formatCount, humanBytes } from '../format.js';
import { barChart, compactCount, type BarChartSpec } from './charts.js';
import { html, type SafeHtml } from './escape.js';

/** Only rows with something to draw, largest first (ties keep table order). */
function largestFirst(spec: BarChartSpec): BarChartSpec {
  const order = spec.categories
    .map((category, i) => ({ category, i, total: spec.series.reduce((sum, s) => sum + Math.max(0, s.values[i] ?? 0), 0) }))
    .filter((row) => row.total > 0)
    .sort((a, b) => b.total - a.total || a.i - b.i);
  return {
    ...spec,
    categories: order.map((row) => row.category),
    series: spec.series.map((s) => ({ name: s.name, values: order.map((row) => s.values[row.i] ?? 0) })),
  };
}

/** The specs of the three charts (exported so tests can count the bars they must draw). */
export function chartSpecs(result: AuditResult, analysis: Analysis): BarChartSpec[] {
  const strategies = analysis.strategies;
  const names = strategies.map((s) => `${s.schema}.${s.table}`);
  const usage = new Map(result.model.tables.map((t) => [`${t.schema}.${t.name}`, t.usage]));
  const sizeKept = strategies.map((s) => s.current.filter((e) => !isDropped(e)).reduce((sum, e) => sum + (e.sizeBytes ?? 0), 0));
  const sizeDropped = strategies.map((s) => s.dropped.reduce((sum, e) => sum + (e.sizeBytes ?? 0), 0));
  const indexScans = strategies.map((s) => s.current.reduce((sum, e) => sum + (e.scans ?? 0), 0));
  const seqScans = names.map((n) => usage.get(n)?.seqScans ?? 0);
  return [
    largestFirst({
      id: 'chart-index-size',
      title: 'Index size per table',
      categories: names,
      series: [
        { name: 'kept', values: sizeKept },
        { name: 'recommended to drop', values: sizeDropped },
      ],
      format: humanBytes,
      bytes: true,
      note: "Total size of each table's indexes; red is what the findings recommend dropping.",
    }),
    largestFirst({
      id: 'chart-scans',
      title: 'Scans per table since the statistics reset',
      categories: names,
      series: [
        { name: 'index scans', values: indexScans },
        { name: 'sequential scans', values: seqScans },
      ],
      format: (v) => (v >= 1000 ? compactCount(v) : formatCount(v)),
      note: "Index scans summed over the table's indexes, and sequential scans of the table.",
    }),
    largestFirst({
      id: 'chart-writes',
      title: 'Writes per table since the statistics reset',
      categories: names,
      series: [
        { name: 'inserts', values: strategies.map((s) => s.writes?.inserts ?? 0) },
        { name: 'updates', values: strategies.map((s) => s.writes?.updates ?? 0) },
        { name: 'deletes', values: strategies.map((s) => s.writes?.deletes ?? 0) },
      ],
      format: (v) => (v >= 1000 ? compactCount(v) : formatCount(v)),
      note: "Every insert and every non-HOT update also writes one entry into each of the table's indexes.",
    }),
  ];
}

/** The charts section. */
export function chartsSection(result: AuditResult, analysis: Analysis): SafeHtml {
  const specs = chartSpecs(result, analysis);
  const noUsage = !result.model.capabilities.usageStatistics
    ? html`<p class="muted">Usage statistics could not be read: scans and writes are not charted.</p>`
    : '';
  return html`<section id="charts">
    <h2>Indexes and Workload per Table</h2>
    ${noUsage}${specs.map(barChart)}
  </section>`;
}
