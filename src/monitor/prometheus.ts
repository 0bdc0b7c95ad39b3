import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Recorder } from './recorder.js';
import type { Tally } from './tally.js';

type Labels = Record<string, string>;
type HistogramValues = Awaited<ReturnType<Histogram<string>['get']>>;
type Series = { readonly labels: Labels; readonly tally: Tally };

// Not in prom-client's type declarations, but the method its registry renders through.
const baseGetForPromString = (Histogram.prototype as unknown as { getForPromString(this: Histogram<string>): Promise<HistogramValues> })
  .getForPromString;

/**
 * A histogram whose counts live in the monitors' tallies: prom-client renders it like its own,
 * but nothing is observed through prom-client on the query path.
 */
class TallyHistogram extends Histogram<string> {
  constructor(
    private readonly metricName: string,
    help: string,
    labelNames: readonly string[],
    private readonly read: () => Iterable<Series>,
  ) {
    super({ name: metricName, help, labelNames: [...labelNames], registers: [] });
  }

  /**
   * prom-client's `get()` and its text rendering both read through this method; the original
   * (with no observations of its own) supplies name, help and type, the tallies the values.
   */
  async getForPromString(): Promise<HistogramValues> {
    const base = await baseGetForPromString.call(this);
    const values: HistogramValues['values'] = [];
    for (const { labels, tally } of this.read()) {
      let cumulative = 0;
      tally.bounds.forEach((le, i) => {
        cumulative += tally.counts[i] ?? 0;
        values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${this.metricName}_bucket` });
      });
      values.push({ labels: { ...labels, le: '+Inf' }, value: tally.count, metricName: `${this.metricName}_bucket` });
      values.push({ labels, value: tally.sum, metricName: `${this.metricName}_sum` });
      values.push({ labels, value: tally.count, metricName: `${this.metricName}_count` });
    }
    return { ...base, values };
  }
}

interface Family {
  readonly sources: Set<Recorder>;
  readonly names: readonly string[];
}

const families = new WeakMap<Registry, Family>();

/** Every metric a monitor exports, by its Prometheus name. */
export const NAMES = [
  'db_client_operation_duration_seconds',
  'db_client_connection_wait_time_seconds',
  'db_client_connection_use_time_seconds',
  'db_client_connection_count',
  'db_client_connection_max',
  'db_client_connection_pending_requests',
  'db_client_connection_timeouts_total',
  'db_client_connection_leaks_total',
  'db_client_connections_created_total',
  'db_client_operation_slow_total',
  'db_client_operation_errors_total',
] as const;

function pool(r: Recorder): Labels {
  return { pool_name: r.name };
}

function counter(
  name: string,
  help: string,
  sources: Set<Recorder>,
  read: (r: Recorder) => Array<[Labels, number]>,
  labelNames: string[] = ['pool_name'],
): Counter<string> {
  const metric: Counter<string> = new Counter({
    name,
    help,
    labelNames,
    registers: [],
    collect() {
      // Totals are kept by the monitors: set them afresh at each scrape.
      metric.reset();
      for (const r of sources) for (const [labels, value] of read(r)) metric.inc(labels, value);
    },
  });
  return metric;
}

function gauge(
  name: string,
  help: string,
  sources: Set<Recorder>,
  read: (r: Recorder) => Array<[Labels, number]>,
  labelNames: string[] = ['pool_name'],
): Gauge<string> {
  const metric: Gauge<string> = new Gauge({
    name,
    help,
    labelNames,
    registers: [],
    collect() {
      metric.reset();
      for (const r of sources) for (const [labels, value] of read(r)) metric.set(labels, value);
    },
  });
  return metric;
}

function createFamily(registry: Registry): Family {
  const sources = new Set<Recorder>();
  const metrics = [
    new TallyHistogram(
      'db_client_operation_duration_seconds',
      'Duration of database client operations.',
      ['pool_name', 'db_system_name', 'db_operation_name', 'error_type'],
      function* () {
        for (const r of sources) {
          for (const s of r.series.values()) {
            const labels: Labels = { pool_name: r.name, db_system_name: r.system, db_operation_name: s.operation };
            if (s.errorType !== null) labels.error_type = s.errorType;
            yield { labels, tally: s.tally };
          }
        }
      },
    ),
    new TallyHistogram(
      'db_client_connection_wait_time_seconds',
      'Time it took to obtain an open connection from the pool.',
      ['pool_name'],
      function* () {
        for (const r of sources) yield { labels: pool(r), tally: r.waitTime };
      },
    ),
    new TallyHistogram(
      'db_client_connection_use_time_seconds',
      'Time between borrowing a connection and returning it to the pool.',
      ['pool_name'],
      function* () {
        for (const r of sources) yield { labels: pool(r), tally: r.useTime };
      },
    ),
    gauge(
      'db_client_connection_count',
      'Connections currently in the state described by the state label.',
      sources,
      (r) => {
        const s = r.state();
        return [
          [{ pool_name: r.name, state: 'idle' }, s.idle],
          [{ pool_name: r.name, state: 'used' }, s.used],
        ];
      },
      ['pool_name', 'state'],
    ),
    gauge('db_client_connection_max', 'The maximum number of open connections allowed.', sources, (r) => [[pool(r), r.state().max]]),
    gauge('db_client_connection_pending_requests', 'Pending requests for an open connection.', sources, (r) => [
      [pool(r), r.state().pending],
    ]),
    counter(
      'db_client_connection_timeouts_total',
      'Checkouts that timed out or were refused because the pool was exhausted.',
      sources,
      (r) => [[pool(r), r.timeouts]],
    ),
    counter('db_client_connection_leaks_total', 'Connections held longer than the leak limit.', sources, (r) => [[pool(r), r.leaks]]),
    counter('db_client_connections_created_total', 'Connections the pool opened.', sources, (r) => [[pool(r), r.connectionsCreated]]),
    counter('db_client_operation_slow_total', 'Operations over the slow-query threshold.', sources, (r) => [[pool(r), r.slowQueries]]),
    counter(
      'db_client_operation_errors_total',
      'Operations that failed, by error type.',
      sources,
      (r) => [...r.errorsByType].map(([type, n]) => [{ pool_name: r.name, error_type: type }, n]),
      ['pool_name', 'error_type'],
    ),
  ];
  for (const metric of metrics) registry.registerMetric(metric);
  return { sources, names: NAMES };
}

/** Exports a monitor's figures to a registry; returns the function that withdraws them. */
export function exportToPrometheus(registry: Registry, recorder: Recorder): () => void {
  let family = families.get(registry);
  if (!family) {
    family = createFamily(registry);
    families.set(registry, family);
  }
  family.sources.add(recorder);
  const own = family;
  return () => {
    own.sources.delete(recorder);
    if (own.sources.size > 0 || families.get(registry) !== own) return;
    for (const name of own.names) registry.removeSingleMetric(name);
    families.delete(registry);
  };
}
