import type { MeterLike } from '../../src/monitor/otel.js';
import type { LeakEvent, MonitorLogger, SlowQueryEvent } from '../../src/monitor/types.js';

type Attributes = Record<string, string>;

/** A logger that keeps what it is told. */
export function memoryLogger(): MonitorLogger & { events: Array<SlowQueryEvent | LeakEvent>; messages: string[] } {
  const events: Array<SlowQueryEvent | LeakEvent> = [];
  const messages: string[] = [];
  return {
    events,
    messages,
    warn(message, event) {
      messages.push(message);
      events.push(event);
    },
  };
}

/** An OpenTelemetry meter that records instrument names and values, standing in for an SDK. */
export class FakeMeter implements MeterLike {
  readonly recorded: Array<{ name: string; value: number; attributes: Attributes }> = [];
  readonly observables = new Map<object, string>();
  private callbacks: Array<(r: { observe(o: object, v: number, a?: Attributes): void }) => void> = [];

  createHistogram(name: string) {
    return { record: (value: number, attributes: Attributes = {}) => void this.recorded.push({ name, value, attributes }) };
  }

  createCounter(name: string) {
    return { add: (value: number, attributes: Attributes = {}) => void this.recorded.push({ name, value, attributes }) };
  }

  createObservableUpDownCounter(name: string): object {
    const observable = { name };
    this.observables.set(observable, name);
    return observable;
  }

  addBatchObservableCallback(callback: (r: { observe(o: object, v: number, a?: Attributes): void }) => void): void {
    this.callbacks.push(callback);
  }

  removeBatchObservableCallback(callback: (r: { observe(o: object, v: number, a?: Attributes): void }) => void): void {
    this.callbacks = this.callbacks.filter((c) => c !== callback);
  }

  get callbackCount(): number {
    return this.callbacks.length;
  }

  /** Runs the observable callbacks, as an SDK's collection would. */
  collect(): Array<{ name: string; value: number; attributes: Attributes }> {
    const out: Array<{ name: string; value: number; attributes: Attributes }> = [];
    for (const cb of this.callbacks)
      cb({ observe: (o, value, attributes = {}) => out.push({ name: this.observables.get(o) ?? '?', value, attributes }) });
    return out;
  }

  count(name: string): number {
    return this.recorded.filter((r) => r.name === name).length;
  }
}

/** The value of one sample line in Prometheus text, or null. */
export function sample(text: string, name: string, labels: Record<string, string>): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{(.*)\}/.exec(line)?.[1] ?? '';
    const found = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v) && Object.keys(found).length === Object.keys(labels).length) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return null;
}
