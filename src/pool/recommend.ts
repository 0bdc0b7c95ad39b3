import type { EffectivePool } from './effective.js';
import { fmt } from './math.js';
import { sourceText } from './read-settings.js';
import { budgetOf, coresCeiling, poolerAdvice, POOL_TIMEOUT_S, recycleFor, sizesFor, type Sizes } from './sizing.js';
import type { PoolInputs, PoolRecommendation, PoolSettings, RecommendedSetting, ServerFacts } from './types.js';

type Value = RecommendedSetting['value'];

/** The identifier-length keyword is harmful when longer than the server keeps. */
export function harmfulIdentifierLength(current: EffectivePool | null, server: ServerFacts): boolean {
  const length = current?.maxIdentifierLength;
  return length !== null && length !== undefined && length > server.identifierLimit;
}

function settingsFor(
  inputs: PoolInputs,
  server: ServerFacts,
  sizes: Sizes | null,
  current: EffectivePool | null,
): Array<[string, Value, string]> {
  const recycle = recycleFor(server);
  const out: Array<[string, Value, string]> = [];
  const through = sizes && !sizes.fits ? ' (connecting through the pooler below)' : '';
  const timeoutWhy = `a checkout fails after ${POOL_TIMEOUT_S} s instead of hanging; keep it below your request timeout`;
  switch (inputs.driver) {
    case 'sqlalchemy':
      if (sizes) {
        out.push([
          'pool_size',
          sizes.steady,
          `the peak: ${sizes.steady} busy connections per process at the ${fmt(99.9)}th percentile${through}`,
        ]);
        out.push([
          'max_overflow',
          sizes.burst,
          sizes.burst === sizes.steady
            ? `as many again for bursts (${sizes.steady} + ${sizes.burst} = ${sizes.steady + sizes.burst} per process)`
            : `what the server budget leaves (${sizes.steady} + ${sizes.burst} = ${sizes.steady + sizes.burst} per process)`,
        ]);
      }
      out.push(['pool_timeout', POOL_TIMEOUT_S, `${timeoutWhy} (SQLAlchemy's default, made explicit)`]);
      out.push(['pool_recycle', recycle.seconds, recycle.why]);
      out.push([
        'pool_pre_ping',
        true,
        'tests each connection at checkout (a cheap round trip) so a dropped one is replaced, not handed to a request',
      ]);
      if (harmfulIdentifierLength(current, server)) {
        out.push([
          'max_identifier_length',
          null,
          `remove: ${server.dialect === 'postgresql' ? 'PostgreSQL' : 'MySQL'} keeps ${server.identifierLimit} bytes, and the dialect already knows it`,
        ]);
      }
      return out;
    case 'node-postgres':
      if (sizes) out.push(['max', sizes.steady + sizes.burst, `peak ${sizes.steady} + burst ${sizes.burst}${through}`]);
      out.push(['idleTimeoutMillis', 10_000, 'burst connections close after 10 s idle (the default)']);
      out.push(['connectionTimeoutMillis', POOL_TIMEOUT_S * 1000, `${timeoutWhy} (the default 0 waits for ever)`]);
      out.push(['maxLifetimeSeconds', recycle.seconds, recycle.why]);
      return out;
    case 'mysql2':
      if (sizes) {
        out.push(['connectionLimit', sizes.steady + sizes.burst, `peak ${sizes.steady} + burst ${sizes.burst}${through}`]);
        out.push(['maxIdle', sizes.steady, 'keeps the peak open; burst connections close when idle']);
      }
      out.push(['idleTimeout', 60_000, 'idle burst connections close after 60 s (the default)']);
      out.push(['enableKeepAlive', true, 'TCP keepalive, so a silently dropped connection is noticed']);
      return out;
  }
}

function pyValue(value: Exclude<Value, null>): string {
  return typeof value === 'boolean' ? (value ? 'True' : 'False') : typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function snippetFor(inputs: PoolInputs, settings: readonly RecommendedSetting[]): string {
  const ours = new Set(settings.map((s) => s.name));
  const kept = Object.entries(inputs.settings?.values ?? {}).filter(([name]) => !ours.has(name));
  if (inputs.driver === 'sqlalchemy') {
    const fn = /create_async_engine/.test(inputs.settings?.source.what ?? '') ? 'create_async_engine' : 'create_engine';
    const positional = inputs.settings?.positional.length ? inputs.settings.positional : ['DATABASE_URL'];
    const args = [
      ...positional,
      ...settings.filter((s) => s.value !== null).map((s) => `${s.name}=${pyValue(s.value as Exclude<Value, null>)}`),
      ...kept.map(([name, value]) => `${name}=${sourceText(value)}`),
    ];
    return `engine = ${fn}(\n${args.map((a) => `    ${a},`).join('\n')}\n)\n`;
  }
  const js = (value: Exclude<Value, null>): string =>
    typeof value === 'number' ? value.toLocaleString('en-US').replace(/,/g, '_') : JSON.stringify(value);
  const keptJs = kept.map(
    ([name, value]) => `  ${name}: ${value.kind === 'boolean' ? String(value.value) : value.kind === 'none' ? 'null' : sourceText(value)},`,
  );
  const props = [...keptJs, ...settings.filter((s) => s.value !== null).map((s) => `  ${s.name}: ${js(s.value as Exclude<Value, null>)},`)];
  const call = inputs.driver === 'node-postgres' ? 'new Pool' : 'mysql.createPool';
  return `const pool = ${call}({\n${props.join('\n')}\n});\n`;
}

function currentText(settings: PoolSettings | null, name: string): string | null {
  const value = settings?.values[name];
  return value === undefined ? null : sourceText(value);
}

/** The recommended settings for the inputs' driver, with every step of the arithmetic. */
export function recommend(inputs: PoolInputs, server: ServerFacts, current: EffectivePool | null): PoolRecommendation {
  const budget = budgetOf(inputs, server);
  const sizes = inputs.load ? sizesFor(inputs.load, inputs.deployment, budget) : null;
  const ceiling = coresCeiling(server);
  const arithmetic = [
    ...(sizes?.lines ?? ['load: not given (--concurrency, or --rps with --query-ms): pool sizes are not computed']),
    ...budget.lines,
    ...(sizes ? [sizes.burstLine] : []),
  ];
  const pooler = sizes && !sizes.fits && !server.pooler?.detected ? poolerAdvice(sizes, budget, server) : null;
  if (sizes?.fits) {
    const total = budget.pools * (sizes.steady + sizes.burst) + budget.other;
    arithmetic.push(
      `server check: ${budget.pools} × (${sizes.steady} + ${sizes.burst}) + ${budget.other} = ${total} ≤ ${budget.available}`,
    );
  }
  if (ceiling !== null && server.cores) {
    const load = sizes
      ? `; ${fmt(sizes.inFlight)} in flight on average ${sizes.inFlight > ceiling ? 'already queue inside the server' : 'fit'}`
      : '';
    arithmetic.push(
      `cores: 2 × ${server.cores.count} cores + 1 = ${ceiling} queries the server runs at once (${server.cores.source})${load}`,
    );
  }
  const settings = settingsFor(inputs, server, sizes, current).map(([name, value, why]) => ({
    name,
    value,
    current: currentText(inputs.settings, name),
    why,
  }));
  return {
    driver: inputs.driver,
    needed: sizes ? { inFlight: sizes.inFlight, perProcess: sizes.perProcess, peakPerProcess: sizes.peak } : null,
    budget: { available: budget.available, other: budget.other, pools: budget.pools, perProcess: budget.perProcess },
    coresCeiling: ceiling,
    settings,
    arithmetic,
    snippet: snippetFor(inputs, settings),
    pooler,
  };
}
