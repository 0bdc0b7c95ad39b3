/**
 * Prometheus export without a copy of prom-client: the monitor registers plain metric objects in
 * the application's own registry (prom-client 14 or 15). A registry renders any object with a
 * name, help, type and `get()`, so the figures land where the application's `/metrics` reads them.
 */
import type { Recorder } from './recorder.js';
import { requireFromApplication } from './resolve.js';
import { LABELS } from './attributes.js';
import type { Tally } from './tally.js';

/**
 * The part of a prom-client `Registry` (14 or 15) the monitor uses; a `Registry` fits it.
 * `registerMetric` takes `never` so that prom-client's own signature is assignable to it.
 */
export interface PrometheusRegistry {
  registerMetric(metric: never): void;
  removeSingleMetric(name: string): void;
}

type Labels = Record<string, string | number>;
interface Value {
  readonly labels: Labels;
  readonly value: number;
  readonly metricName?: string;
}
interface Snapshot {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly aggregator: 'sum';
  readonly values: Value[];
}
/** What a registry reads from a metric when it renders or merges. */
interface PromMetric {
  name: string;
  readonly help: string;
  readonly type: Snapshot['type'];
  readonly aggregator: 'sum';
  get(): Promise<Snapshot>;
  reset(): void;
}

/** prom-client's global registry as the application sees it; null when prom-client is not installed. */
export function applicationRegistry(): PrometheusRegistry | null {
  const client = requireFromApplication('prom-client') as { register?: PrometheusRegistry } | null;
  return client?.register && typeof client.register.registerMetric === 'function' ? client.register : null;
}

interface Family {
  readonly sources: Set<Recorder>;
  readonly metrics: readonly PromMetric[];
}

const families = new WeakMap<PrometheusRegistry, Family>();

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
  'db_client_monitor_failures_total',
] as const;

function metric(name: string, help: string, type: Snapshot['type'], values: () => Value[]): PromMetric {
  const self: PromMetric = {
    name,
    help,
    type,
    aggregator: 'sum',
    // The monitors keep the figures; a registry's reset does not clear them.
    reset() {},
    // The registry may rename a counter (OpenMetrics drops `_total` from the family name): read it back.
    get: () => Promise.resolve({ name: self.name, help, type, aggregator: 'sum', values: values() }),
  };
  return self;
}

function histogramValues(name: string, labels: Labels, tally: Tally, out: Value[]): void {
  let cumulative = 0;
  tally.bounds.forEach((le, i) => {
    cumulative += tally.counts[i] ?? 0;
    out.push({ labels: { ...labels, le }, value: cumulative, metricName: `${name}_bucket` });
  });
  out.push({ labels: { ...labels, le: '+Inf' }, value: tally.count, metricName: `${name}_bucket` });
  out.push({ labels, value: tally.sum, metricName: `${name}_sum` });
  out.push({ labels, value: tally.count, metricName: `${name}_count` });
}

function createFamily(registry: PrometheusRegistry): Family {
  const sources = new Set<Recorder>();
  const pool = (r: Recorder): Labels => ({ [LABELS.pool]: r.name });
  const perPool = (read: (r: Recorder) => number, extra?: (r: Recorder) => Array<[Labels, number]>) => (): Value[] => {
    const out: Value[] = [];
    for (const r of sources) {
      if (extra) for (const [labels, value] of extra(r)) out.push({ labels, value });
      else out.push({ labels: pool(r), value: read(r) });
    }
    return out;
  };
  const histogram = (name: string, help: string, read: (r: Recorder, out: Value[]) => void): PromMetric =>
    metric(name, help, 'histogram', () => {
      const out: Value[] = [];
      for (const r of sources) read(r, out);
      return out;
    });
  const d = 'db_client_operation_duration_seconds';
  const w = 'db_client_connection_wait_time_seconds';
  const u = 'db_client_connection_use_time_seconds';
  const metrics = [
    histogram(d, 'Duration of database client operations.', (r, out) => {
      for (const s of r.allSeries()) histogramValues(d, s.labels, s.tally, out);
    }),
    histogram(w, 'Time it took to obtain an open connection from the pool.', (r, out) => histogramValues(w, pool(r), r.waitTime, out)),
    histogram(u, 'Time between borrowing a connection and returning it to the pool.', (r, out) =>
      histogramValues(u, pool(r), r.useTime, out),
    ),
    metric(
      'db_client_connection_count',
      'Connections currently in the state described by the state label.',
      'gauge',
      perPool(
        () => 0,
        (r) => {
          const s = r.state();
          return [
            [{ ...pool(r), [LABELS.state]: 'idle' }, s.idle],
            [{ ...pool(r), [LABELS.state]: 'used' }, s.used],
          ];
        },
      ),
    ),
    metric(
      'db_client_connection_max',
      'The maximum number of open connections allowed.',
      'gauge',
      perPool(
        () => 0,
        (r) => {
          const max = r.state().max;
          return Number.isFinite(max) ? [[pool(r), max]] : [];
        },
      ),
    ),
    metric(
      'db_client_connection_pending_requests',
      'Pending requests for an open connection.',
      'gauge',
      perPool((r) => r.state().pending),
    ),
    metric(
      'db_client_connection_timeouts_total',
      'Checkouts that timed out or were refused because the pool was exhausted.',
      'counter',
      perPool((r) => r.timeouts),
    ),
    metric(
      'db_client_connection_leaks_total',
      'Connections held longer than the leak limit.',
      'counter',
      perPool((r) => r.leaks),
    ),
    metric(
      'db_client_connections_created_total',
      'Connections the pool opened.',
      'counter',
      perPool((r) => r.connectionsCreated),
    ),
    metric(
      'db_client_operation_slow_total',
      'Operations over the slow-query threshold.',
      'counter',
      perPool((r) => r.slowQueries),
    ),
    metric(
      'db_client_operation_errors_total',
      'Operations that failed, by error type.',
      'counter',
      perPool(
        () => 0,
        (r) => [...r.errorsByType].map(([type, n]) => [{ ...pool(r), [LABELS.errorType]: type }, n]),
      ),
    ),
    metric(
      'db_client_monitor_failures_total',
      "Calls into the application's logger or meter that threw; the application's queries were not affected.",
      'counter',
      perPool((r) => r.failures),
    ),
  ];
  const register = Reflect.get(registry, 'registerMetric') as (this: PrometheusRegistry, metric: PromMetric) => void;
  const done: PromMetric[] = [];
  try {
    for (const m of metrics) {
      register.call(registry, m);
      done.push(m);
    }
  } catch (error) {
    for (const m of done) registry.removeSingleMetric(m.name);
    throw error;
  }
  return { sources, metrics };
}

/** Exports a monitor's figures to a registry; returns the function that withdraws them. */
export function exportToPrometheus(registry: PrometheusRegistry, recorder: Recorder): () => void {
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
    for (const name of NAMES) registry.removeSingleMetric(name);
    families.delete(registry);
  };
}
