import { VERSION } from '../util/version.js';
import { ATTRIBUTES } from './attributes.js';
import type { Attributes, LiveSink, Recorder } from './recorder.js';
import { requireFromApplication } from './resolve.js';
import { DEFAULT_BUCKETS } from './tally.js';

/** The part of an OpenTelemetry `Meter` the monitor uses; `@opentelemetry/api`'s Meter fits it. */
export interface MeterLike {
  createHistogram(
    name: string,
    options?: { description?: string; unit?: string; advice?: { explicitBucketBoundaries?: number[] } },
  ): { record(value: number, attributes?: Attributes): void };
  createCounter(name: string, options?: { description?: string; unit?: string }): { add(value: number, attributes?: Attributes): void };
  createObservableUpDownCounter(name: string, options?: { description?: string; unit?: string }): object;
  addBatchObservableCallback(
    callback: (result: { observe(observable: object, value: number, attributes?: Attributes): void }) => void,
    observables: object[],
  ): void;
  removeBatchObservableCallback(
    callback: (result: { observe(observable: object, value: number, attributes?: Attributes): void }) => void,
    observables: object[],
  ): void;
}

/** The global meter of `@opentelemetry/api`, when the application has it installed and an SDK registered; else null. */
export function globalMeter(): MeterLike | null {
  const api = requireFromApplication('@opentelemetry/api') as {
    metrics?: { getMeterProvider(): object; getMeter(name: string, version?: string): MeterLike };
  } | null;
  if (!api?.metrics) return null;
  // With no SDK registered the API hands out a no-op meter for good (metrics have no proxy provider):
  // recording into it would cost every query for nothing.
  if (api.metrics.getMeterProvider().constructor.name === 'NoopMeterProvider') return null;
  return api.metrics.getMeter('dbdoctor-monitor', VERSION);
}

/**
 * Records the monitor's figures as OpenTelemetry metrics under the database-client semantic
 * conventions. Durations are recorded as they happen (the SDK aggregates); pool state is observed
 * at collection time. Returns the function that detaches it.
 */
export function exportToOpenTelemetry(meter: MeterLike, recorder: Recorder, buckets: readonly number[] = DEFAULT_BUCKETS): () => void {
  const advice = { explicitBucketBoundaries: [...buckets] };
  const duration = meter.createHistogram('db.client.operation.duration', {
    description: 'Duration of database client operations.',
    unit: 's',
    advice,
  });
  const wait = meter.createHistogram('db.client.connection.wait_time', {
    description: 'The time it took to obtain an open connection from the pool.',
    unit: 's',
    advice,
  });
  const use = meter.createHistogram('db.client.connection.use_time', {
    description: 'The time between borrowing a connection and returning it to the pool.',
    unit: 's',
    advice,
  });
  const timeouts = meter.createCounter('db.client.connection.timeouts', {
    description: 'The number of connection timeouts that have occurred trying to obtain a connection from the pool.',
    unit: '{timeout}',
  });
  const count = meter.createObservableUpDownCounter('db.client.connection.count', {
    description: 'The number of connections that are currently in state described by the state attribute.',
    unit: '{connection}',
  });
  const max = meter.createObservableUpDownCounter('db.client.connection.max', {
    description: 'The maximum number of open connections allowed.',
    unit: '{connection}',
  });
  const pending = meter.createObservableUpDownCounter('db.client.connection.pending_requests', {
    description: 'The number of current pending requests for an open connection.',
    unit: '{request}',
  });

  const pool: Attributes = { [ATTRIBUTES.pool]: recorder.name };
  const idle: Attributes = { ...pool, [ATTRIBUTES.state]: 'idle' };
  const used: Attributes = { ...pool, [ATTRIBUTES.state]: 'used' };
  const sink: LiveSink = {
    // Attributes are bound once per series by the recorder: nothing is built per query.
    operation: (seconds, series) => duration.record(seconds, series.attributes),
    wait: (seconds) => wait.record(seconds, pool),
    use: (seconds) => use.record(seconds, pool),
    timeout: () => timeouts.add(1, pool),
  };
  const observe = (result: { observe(observable: object, value: number, attributes?: Attributes): void }): void => {
    const state = recorder.state();
    result.observe(count, state.idle, idle);
    result.observe(count, state.used, used);
    if (Number.isFinite(state.max)) result.observe(max, state.max, pool);
    result.observe(pending, state.pending, pool);
  };
  recorder.sinks.push(sink);
  meter.addBatchObservableCallback(observe, [count, max, pending]);
  return () => {
    meter.removeBatchObservableCallback(observe, [count, max, pending]);
    const at = recorder.sinks.indexOf(sink);
    if (at >= 0) recorder.sinks.splice(at, 1);
  };
}
