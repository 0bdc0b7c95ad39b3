import { DRIVER_SPECS, type SettingSpec } from './drivers.js';
import type { EffectivePool } from './effective.js';
import { fmt } from './math.js';
import { sourceText } from './read-settings.js';
import { budgetOf, coresCeiling, describeModel, poolerAdvice, POOL_TIMEOUT_S, recycleFor, sizesFor, type Sizes } from './sizing.js';
import { snippetFor } from './snippets.js';
import { fitOf, sizeProblems, type SizeProblem } from './verdict.js';
import type { PoolInputs, PoolRecommendation, PoolSettings, RecommendedSetting, ServerFacts, SettingValue } from './types.js';

type Value = RecommendedSetting['value'];
type Proposal = [name: string, value: Value, why: string];

/** The identifier-length keyword is harmful when longer than the server keeps. */
export function harmfulIdentifierLength(current: EffectivePool | null, server: ServerFacts): boolean {
  const length = current?.maxIdentifierLength;
  return length !== null && length !== undefined && length > server.identifierLimit;
}

function readable(value: SettingValue): Value | undefined {
  if (value.kind === 'number' || value.kind === 'boolean' || value.kind === 'string') return value.value;
  if (value.kind === 'none') return null;
  return undefined;
}

/**
 * A deliberate setting is kept unless a rule gives a reason to change it. Kept settings that
 * cannot be read (an environment lookup) stay out of the list and in the snippet as written.
 */
function keepOr(settings: PoolSettings | null, name: string, reason: string | null, proposal: () => Proposal): Proposal | null {
  const current = settings?.values[name];
  if (reason !== null) {
    const [, value, why] = proposal();
    return [name, value, `${reason}; ${why}`];
  }
  if (current === undefined || current.kind === 'none') return proposal();
  const value = readable(current);
  return value === undefined ? null : [name, value, 'kept as written: no rule gives a reason to change it'];
}

function timeoutProposal(spec: SettingSpec, current: EffectivePool | null, settings: PoolSettings | null): Proposal | null {
  const written = settings?.values[spec.key];
  const reason = current?.timeout === 'disabled' && written ? `${spec.key}=${sourceText(written)} waits for ever` : null;
  const unit = spec.perSecond === 1 ? 's' : 'ms';
  const defaultText =
    spec.default === null
      ? 'the default waits for ever'
      : spec.default === POOL_TIMEOUT_S
        ? `the default ${fmt(spec.default * spec.perSecond)} ${unit}, made explicit`
        : `the default is ${fmt(spec.default * spec.perSecond)} ${unit}`;
  return keepOr(settings, spec.key, reason, () => [
    spec.key,
    POOL_TIMEOUT_S * spec.perSecond,
    `a checkout fails after ${POOL_TIMEOUT_S} s instead of hanging; keep it below your request timeout (${defaultText})`,
  ]);
}

function recycleProposal(
  spec: SettingSpec,
  current: EffectivePool | null,
  server: ServerFacts,
  settings: PoolSettings | null,
): Proposal | null {
  const recycle = recycleFor(server);
  const written = settings?.values[spec.key];
  const idle = server.idleSessionTimeoutS;
  const seconds = current?.recycleS;
  const reason =
    current?.recycle === 'disabled' && written
      ? `${spec.key}=${sourceText(written)} never replaces connections`
      : current?.recycle === 'set' && seconds !== null && seconds !== undefined && idle !== null && idle > 0 && seconds >= idle
        ? `${fmt(seconds)} s is not below the server's idle timeout ${fmt(idle)} s`
        : null;
  const proposal = (): Proposal => [spec.key, recycle.seconds * spec.perSecond, recycle.why];
  if (written === undefined && spec.default !== null && !(idle !== null && idle > 0 && spec.default >= idle)) return null;
  return keepOr(settings, spec.key, reason, proposal);
}

function sizeProposals(inputs: PoolInputs, sizes: Sizes | null, keepSizes: boolean): Proposal[] {
  if (!sizes) return [];
  const through = sizes.fits ? '' : ' (connecting through the pooler below)';
  const peakWhy =
    sizes.steady < sizes.peak
      ? `the cores ceiling: ${sizes.steady} per process (the load's peak is ${sizes.peak})${through}`
      : `the peak: ${sizes.steady} busy connections per process at the 99.9th percentile${through}`;
  const total = sizes.steady + sizes.burst;
  const capWhy = `${sizes.steady < sizes.peak ? 'the cores ceiling' : 'peak'} ${sizes.steady} + burst ${sizes.burst}${through}`;
  const kept = (names: readonly string[]): Proposal[] =>
    names.flatMap((name) => {
      const v = inputs.settings?.values[name];
      const value = v === undefined ? undefined : readable(v);
      return value === undefined
        ? []
        : [[name, value, `kept as written: it covers the peak ${sizes.steady} and fits the server`] as Proposal];
    });
  const proposals = ((): Proposal[] => {
    switch (inputs.driver) {
      case 'sqlalchemy':
        if (keepSizes) return kept(['pool_size', 'max_overflow']);
        return [
          ['pool_size', sizes.steady, peakWhy],
          [
            'max_overflow',
            sizes.burst,
            sizes.burst === sizes.steady
              ? `as many again for bursts (${sizes.steady} + ${sizes.burst} = ${total} per process)`
              : `${sizes.burstLine.replace(/^burst: /, '')}; ${sizes.steady} + ${sizes.burst} = ${total} per process`,
          ],
        ];
      case 'psycopg-pool':
        if (keepSizes) return kept(['min_size', 'max_size']);
        return [
          ['min_size', sizes.steady, peakWhy],
          ['max_size', total, capWhy],
        ];
      case 'psycopg2': {
        // Kept sizes keep minconn only when it holds the peak: putconn() closes a returned connection
        // when minconn are already idle, so a lower one reconnects as the load moves.
        const written = inputs.settings?.values.minconn;
        const min = written === undefined ? undefined : readable(written);
        const churn: Proposal = [
          'minconn',
          sizes.steady,
          `psycopg2 closes a returned connection when minconn are already idle, so with fewer than the peak ${sizes.steady} its connections are opened and closed again as the load moves`,
        ];
        if (keepSizes) return typeof min === 'number' && min < sizes.steady ? [churn, ...kept(['maxconn'])] : kept(['minconn', 'maxconn']);
        return [
          ['minconn', sizes.steady, `${peakWhy}; psycopg2 closes a returned connection when minconn are already idle`],
          ['maxconn', total, `${capWhy}; past it getconn() raises PoolError at once, it never waits`],
        ];
      }
      case 'mysql2':
        if (keepSizes) return kept(['connectionLimit', 'maxIdle']);
        return [
          ['connectionLimit', total, capWhy],
          ['maxIdle', sizes.steady, 'keeps the peak open; burst connections close when idle'],
        ];
      case 'django':
        return [];
      default: {
        const key = DRIVER_SPECS[inputs.driver].max.key ?? 'max';
        return keepSizes ? kept([key]) : [[key, total, capWhy]];
      }
    }
  })();
  // A size read from the environment stays a deliberate choice: say what to set it to.
  return proposals.map(([name, value, why]) => {
    const written = inputs.settings?.values[name];
    return written?.kind === 'env'
      ? [name, value, `${why}; the code reads $${written.variable}: set it to ${String(value)}`]
      : [name, value, why];
  });
}

function settingsFor(
  inputs: PoolInputs,
  server: ServerFacts,
  sizes: Sizes | null,
  current: EffectivePool | null,
  keepSizes: boolean,
): Proposal[] {
  const spec = DRIVER_SPECS[inputs.driver];
  const settings = inputs.settings;
  const out: Array<Proposal | null> = [...sizeProposals(inputs, sizes, keepSizes)];
  if (spec.timeout) out.push(timeoutProposal(spec.timeout, current, settings));
  if (spec.recycle) out.push(recycleProposal(spec.recycle, current, server, settings));
  if (spec.prePing) {
    const key = spec.prePing.key;
    const off = current?.prePing === false ? `${key} is off (pool-pre-ping-missing)` : null;
    out.push(
      keepOr(settings, key, off, () => [
        key,
        true,
        'tests each connection at checkout (a cheap round trip) so a dropped one is replaced, not handed to a request',
      ]),
    );
  }
  if (inputs.driver === 'mysql2') {
    out.push(keepOr(settings, 'idleTimeout', null, () => ['idleTimeout', 60_000, 'idle burst connections close after 60 s (the default)']));
    out.push(
      keepOr(settings, 'enableKeepAlive', null, () => [
        'enableKeepAlive',
        true,
        'TCP keepalive, so a silently dropped connection is noticed',
      ]),
    );
  } else if (spec.idle && settings?.values[spec.idle.key] !== undefined) {
    const idle = spec.idle;
    const zero = current && settings.values[idle.key]?.kind === 'number' && (settings.values[idle.key] as { value: number }).value === 0;
    const kept = keepOr(settings, idle.key, null, () => [idle.key, null, '']);
    if (kept) out.push([kept[0], kept[1], zero ? `${kept[2]} (0: idle connections are never closed)` : kept[2]]);
  }
  if (harmfulIdentifierLength(current, server)) {
    out.push([
      'max_identifier_length',
      null,
      `remove: ${server.dialect === 'postgresql' ? 'PostgreSQL' : 'MySQL'} keeps ${server.identifierLimit} bytes, and the dialect already knows it`,
    ]);
  }
  return out.filter((p): p is Proposal => p !== null);
}

/** The recommended settings for the inputs' driver, with every step of the arithmetic, and the size problems found on the way. */
export function recommend(
  inputs: PoolInputs,
  server: ServerFacts,
  current: EffectivePool | null,
): { recommendation: PoolRecommendation; problems: SizeProblem[] } {
  const budget = budgetOf(inputs, server);
  const ceiling = coresCeiling(server);
  const sizes = inputs.load ? sizesFor(inputs.load, inputs.deployment, budget, ceiling) : null;
  const arithmetic = [
    ...(sizes?.lines ?? ['load: not given (--concurrency, or --rps with --query-ms): pool sizes are not computed']),
    ...budget.lines,
    ...(sizes ? [sizes.burstLine] : []),
  ];
  const pooler = inputs.load && sizes && !sizes.fits && !server.pooler?.detected ? poolerAdvice(inputs.load, sizes, budget, server) : null;
  if (sizes?.fits) {
    const total = budget.pools * (sizes.steady + sizes.burst) + budget.other;
    arithmetic.push(
      `server check: ${budget.pools} × (${sizes.steady} + ${sizes.burst}) + ${budget.other} = ${total} ≤ ${budget.available}`,
    );
  }
  if (ceiling !== null && server.cores && !sizes) {
    arithmetic.push(`cores: 2 × ${server.cores.count} cores + 1 = ${ceiling} queries the server runs at once (${server.cores.source})`);
  } else if (ceiling !== null && server.cores && sizes) {
    arithmetic.push(
      `cores: 2 × ${server.cores.count} cores + 1 = ${ceiling} queries the server runs at once (${server.cores.source}); ${fmt(sizes.inFlight)} in flight on average ${sizes.inFlight > ceiling ? 'already queue inside the server' : 'fit'}`,
    );
  }
  const problems = sizeProblems(current, sizes, budget);
  const fit = fitOf(inputs, current, sizes, problems);
  const keepSizes = fit.status === 'fits' && sizes !== null && sizes.fits;
  const settings = settingsFor(inputs, server, sizes, current, keepSizes).map(([name, value, why]) => ({
    name,
    value,
    current: inputs.settings?.values[name] === undefined ? null : sourceText(inputs.settings.values[name]),
    why,
  }));
  const recommendation: PoolRecommendation = {
    driver: inputs.driver,
    needed: sizes
      ? {
          inFlight: sizes.inFlight,
          perProcess: sizes.perProcessMean,
          model: describeModel(sizes.model),
          peakPerProcess: sizes.peak,
          steady: sizes.steady,
          useful: sizes.steady + sizes.burst,
        }
      : null,
    fit,
    budget: { available: budget.available, other: budget.other, pools: budget.pools, perProcess: budget.perProcess },
    coresCeiling: ceiling,
    settings,
    arithmetic,
    snippet: snippetFor(inputs, settings),
    pooler,
  };
  return { recommendation, problems };
}
