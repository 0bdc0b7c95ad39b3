import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import type { LeakEvent, MonitorLogger, SlowQueryEvent } from '../../src/monitor/types.js';

type Event = SlowQueryEvent | LeakEvent;

/** A logger that keeps what it is told and lets a test await the next event of a kind. */
export function memoryLogger(): MonitorLogger & {
  events: Event[];
  messages: string[];
  next<K extends Event['kind']>(kind: K, count?: number): Promise<Array<Extract<Event, { kind: K }>>>;
} {
  const events: Event[] = [];
  const messages: string[] = [];
  const waiters: Array<() => void> = [];
  return {
    events,
    messages,
    warn(message, event) {
      messages.push(message);
      events.push(event);
      for (const w of waiters.splice(0)) w();
    },
    /** Resolves once `count` events of `kind` have arrived since the call. */
    next(kind, count = 1) {
      const from = events.length;
      type Out = Array<Extract<Event, { kind: typeof kind }>>;
      const seen = (): Out => events.slice(from).filter((e) => e.kind === kind) as Out;
      return new Promise((resolve) => {
        const check = (): void => {
          if (seen().length >= count) resolve(seen());
          else waiters.push(check);
        };
        check();
      });
    },
  };
}

/** The OpenTelemetry SDK with an in-memory exporter, collected on demand. */
export function otelSdk(): {
  meter: ReturnType<MeterProvider['getMeter']>;
  provider: MeterProvider;
  collect(): Promise<MetricData[]>;
  shutdown(): Promise<void>;
} {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exported only when the test asks (forceFlush); the interval never fires within a test.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    meter: provider.getMeter('dbdoctor-monitor-test'),
    provider,
    async collect() {
      exporter.reset();
      await reader.forceFlush();
      return exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
    },
    shutdown: () => provider.shutdown(),
  };
}

/** The data points of one metric, by name. */
function points(metrics: readonly MetricData[], name: string): Array<DataPoint<number | Histogram>> {
  return metrics.filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints as Array<DataPoint<number | Histogram>>);
}

/**
 * The value of the point whose attributes include `attributes` (all of them and no others when `exact`):
 * a number, or a histogram's count.
 */
export function pointValue(
  metrics: readonly MetricData[],
  name: string,
  attributes: Record<string, string | number>,
  exact = false,
): number | null {
  const found = points(metrics, name).find(
    (p) =>
      Object.entries(attributes).every(([k, v]) => p.attributes[k] === v) &&
      (!exact || Object.keys(p.attributes).length === Object.keys(attributes).length),
  );
  if (!found) return null;
  return typeof found.value === 'number' ? found.value : found.value.count;
}

/** The value of one sample line in Prometheus text whose labels are exactly `labels`, or null. */
export function sample(text: string, name: string, labels: Record<string, string>): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{(.*)\}/.exec(line)?.[1] ?? '';
    const found: Record<string, string> = Object.fromEntries(
      [...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m): [string, string] => [m[1] ?? '', m[2] ?? '']),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v) && Object.keys(found).length === Object.keys(labels).length) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return null;
}

/**
 * Drops a test database once its sessions are gone. `pool.end()` resolves before its clients' sockets
 * close, and `WITH (FORCE)` would then kill them mid-goodbye (an unhandled 57P01 in the test process).
 */
export async function dropDatabase(
  admin: { query(sql: string, values?: unknown[]): Promise<{ rows: unknown[] }> },
  name: string,
): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await admin.query('SELECT 1 FROM pg_stat_activity WHERE datname = $1', [name]);
    if (rows.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
}
