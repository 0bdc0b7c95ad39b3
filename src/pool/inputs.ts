import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import { displayConnectionString } from '../util/credentials.js';
import { fmt } from './math.js';
import { parseSetting, readSettingsFile } from './read-settings.js';
import {
  POOL_DRIVERS,
  type Deployment,
  type Dialect,
  type Load,
  type PoolDriver,
  type PoolInputs,
  type PoolSettings,
  type ServerFacts,
  type SettingValue,
} from './types.js';

/** The options `dbdoctor pool` takes, as text (flags) or numbers (config file). */
export interface PoolOptions {
  readonly from?: string;
  readonly config?: string;
  readonly driver?: string;
  readonly set?: readonly string[];
  readonly instances?: string | number;
  readonly processes?: string | number;
  readonly otherConnections?: string | number;
  readonly concurrency?: string | number;
  readonly rps?: string | number;
  readonly queriesPerRequest?: string | number;
  readonly queryMs?: string | number;
  readonly maxConnections?: string | number;
  readonly reservedConnections?: string | number;
  readonly cores?: string | number;
  readonly applicationName?: string;
  readonly dialect?: string;
}

const numberOrText = z.union([z.number(), z.string()]);
const configSchema = z.object({
  pool: z
    .object({
      from: z.string(),
      driver: z.string(),
      settings: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
      instances: numberOrText,
      processes: numberOrText,
      otherConnections: numberOrText,
      concurrency: numberOrText,
      rps: numberOrText,
      queriesPerRequest: numberOrText,
      queryMs: numberOrText,
      maxConnections: numberOrText,
      reservedConnections: numberOrText,
      cores: numberOrText,
      applicationName: z.string(),
      dialect: z.string(),
    })
    .partial()
    .strict(),
});

type ConfigPool = NonNullable<z.infer<typeof configSchema>['pool']>;

/** Reads the `pool` section of a dbdoctor config file, JSON or YAML. */
async function readConfigFile(file: string): Promise<ConfigPool> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  // JSON for .json; YAML (a superset of JSON) for .yaml, .yml and anything else.
  const asJson = extname(file).toLowerCase() === '.json';
  let json: unknown;
  try {
    json = asJson ? JSON.parse(text) : parseYaml(text, { prettyErrors: false });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new UserError(`${file}: not valid ${asJson ? 'JSON' : 'YAML'} (${reason})`);
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${file}: ${issue ? `${issue.path.join('.') || 'config'}: ${issue.message}` : 'invalid config'}`);
  }
  return parsed.data.pool ?? {};
}

/** A number from a flag, with a one-line error naming the flag. */
export function numberFlag(flag: string, value: string | number, { integer = false, min = 0, positive = false } = {}): number {
  const n = typeof value === 'number' ? value : /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n < min || (positive && n <= 0) || (integer && !Number.isInteger(n))) {
    const kind = integer ? (positive ? 'a positive whole number' : 'a whole number ≥ 0') : positive ? 'a positive number' : 'a number ≥ 0';
    throw new UserError(`${flag} expects ${kind}, got "${String(value)}"`);
  }
  return n;
}

/** `3` or `2-6` (autoscaled). */
function parseInstances(value: string | number): Deployment['instances'] {
  const text = String(value).trim();
  const range = /^(\d+)\s*-\s*(\d+)$/.exec(text);
  if (range) {
    const min = numberFlag('--instances', range[1] ?? '', { integer: true, positive: true });
    const max = numberFlag('--instances', range[2] ?? '', { integer: true, positive: true });
    if (min > max) throw new UserError(`--instances expects MIN-MAX with MIN ≤ MAX, got "${text}"`);
    return { min, max };
  }
  const n = numberFlag('--instances', text, { integer: true, positive: true });
  return { min: n, max: n };
}

/** `16`, or the seed's "callbacks × concurrency": `26x60%`, `26*0.6`, `26 × 60%`. */
function parseConcurrency(value: string | number): Extract<Load, { kind: 'concurrency' }> {
  const text = String(value).trim();
  const match = /^(\d+(?:\.\d+)?)\s*(?:[x×*]\s*(\d+(?:\.\d+)?)\s*(%)?)?$/i.exec(text);
  if (!match) throw new UserError(`--concurrency expects N or N×FRACTION (e.g. 16, 26x60%, 26x0.6), got "${text}"`);
  const base = Number(match[1]);
  if (match[2] === undefined) {
    if (!(base > 0)) throw new UserError(`--concurrency must be positive, got "${text}"`);
    return { kind: 'concurrency', inFlight: base, expression: fmt(base) };
  }
  const factor = Number(match[2]) / (match[3] ? 100 : 1);
  if (!(base * factor > 0)) throw new UserError(`--concurrency must be positive, got "${text}"`);
  const bounded = Number.isInteger(base) && factor <= 1;
  return {
    kind: 'concurrency',
    inFlight: base * factor,
    ...(bounded ? { callers: base, fraction: factor } : {}),
    expression: `${fmt(base)} × ${match[3] ? `${fmt(Number(match[2]))}%` : fmt(factor)}`,
  };
}

function parseLoad(o: PoolOptions): Load | null {
  const little = o.rps !== undefined || o.queryMs !== undefined;
  if (o.concurrency !== undefined && little) throw new UserError('give either --concurrency or --rps with --query-ms, not both');
  if (o.concurrency !== undefined) return parseConcurrency(o.concurrency);
  if (!little) return null;
  if (o.rps === undefined || o.queryMs === undefined)
    throw new UserError("Little's law needs both --rps and --query-ms (and optionally --queries-per-request)");
  const requestsPerSecond = numberFlag('--rps', o.rps, { positive: true });
  const queriesPerRequest =
    o.queriesPerRequest === undefined ? 1 : numberFlag('--queries-per-request', o.queriesPerRequest, { positive: true });
  const queryMs = numberFlag('--query-ms', o.queryMs, { positive: true });
  return {
    kind: 'littles-law',
    inFlight: (requestsPerSecond * queriesPerRequest * queryMs) / 1000,
    requestsPerSecond,
    queriesPerRequest,
    queryMs,
  };
}

function parseDriver(text: string | undefined): PoolDriver | undefined {
  if (text === undefined) return undefined;
  const driver = POOL_DRIVERS.find((d) => d === text.toLowerCase() || (d === 'node-postgres' && /^(pg|node-pg)$/i.test(text)));
  if (!driver) throw new UserError(`unknown driver "${text}" (choose ${POOL_DRIVERS.join(', ')})`);
  return driver;
}

function jsonValue(value: number | string | boolean | null): SettingValue {
  if (value === null) return { kind: 'none' };
  if (typeof value === 'number') return { kind: 'number', value, text: String(value) };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  return { kind: 'string', value };
}

/** Config file, then `--from`, then `--set`: later sources override earlier ones, key by key. */
async function readSettings(o: PoolOptions, config: ConfigPool, driver: PoolDriver | undefined): Promise<PoolSettings | null> {
  let settings: PoolSettings | null = null;
  if (config.settings) {
    const values = Object.fromEntries(Object.entries(config.settings).map(([k, v]) => [k, jsonValue(v)]));
    settings = { driver: driver ?? 'sqlalchemy', values, positional: [], source: { kind: 'config', file: o.config } };
  }
  const from = o.from ?? config.from;
  if (from) {
    const read = await readSettingsFile(from, driver);
    settings = { ...read, values: { ...(settings?.values ?? {}), ...read.values } };
  }
  if (o.set && o.set.length > 0) {
    const values = Object.fromEntries(o.set.map(parseSetting));
    settings = settings
      ? { ...settings, values: { ...settings.values, ...values } }
      : { driver: driver ?? 'sqlalchemy', values, positional: [], source: { kind: 'flags' } };
  }
  return settings === null ? null : withoutSecrets(settings);
}

/** Setting names whose value is a credential (compared lower-case). */
const SECRET_SETTINGS = /^(password|passwd|pwd|pass|sslpassword|secret|token)$/i;

/**
 * The settings as the report may show them: a password setting masked, and a connection string
 * (a URL given as `connectionString` or `create_engine`'s first argument) without its credentials.
 * The report, its snippets and every format show settings from here only.
 */
function withoutSecrets(settings: PoolSettings): PoolSettings {
  const scrub = (name: string, v: SettingValue): SettingValue => {
    if (SECRET_SETTINGS.test(name) && (v.kind === 'string' || v.kind === 'expression' || v.kind === 'number'))
      return { kind: 'string', value: '***' };
    if (v.kind === 'string') return { kind: 'string', value: displayConnectionString(v.value) };
    if (v.kind === 'expression') return { kind: 'expression', text: displayConnectionString(v.text) };
    return v;
  };
  return {
    ...settings,
    values: Object.fromEntries(Object.entries(settings.values).map(([k, v]) => [k, scrub(k, v)])),
    positional: settings.positional.map((p) => displayConnectionString(p)),
  };
}

/** Merges config file and flags (flags win) and reads the pool's settings. */
export async function resolveInputs(flags: PoolOptions): Promise<{ inputs: PoolInputs; options: PoolOptions }> {
  const config = flags.config ? await readConfigFile(flags.config) : {};
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
  const o: PoolOptions = { ...config, ...defined };
  const wanted = parseDriver(o.driver);
  const settings = await readSettings(o, config, wanted);
  const deployment: Deployment = {
    instances: o.instances === undefined ? { min: 1, max: 1 } : parseInstances(o.instances),
    processes: o.processes === undefined ? 1 : numberFlag('--processes', o.processes, { integer: true, positive: true }),
    otherConnections: o.otherConnections === undefined ? 0 : numberFlag('--other-connections', o.otherConnections, { integer: true }),
  };
  const inputs: PoolInputs = {
    settings,
    driver: wanted ?? settings?.driver ?? 'sqlalchemy',
    deployment,
    load: parseLoad(o),
    ...(o.applicationName ? { applicationName: o.applicationName } : {}),
  };
  return { inputs, options: o };
}

/** The server's dialect: the flag, the target's scheme, the engine URL, else the driver. */
export function dialectOf(o: PoolOptions, target: string | undefined, settings: PoolSettings | null): Dialect {
  const named = (o.dialect ?? target ?? settings?.positional[0] ?? '').toLowerCase().replace(/^["']/, '');
  if (/^(mysql|mariadb)/.test(named)) return 'mysql';
  if (/^postgres/.test(named)) return 'postgresql';
  if (o.dialect) throw new UserError(`unknown dialect "${o.dialect}" (choose postgresql, mysql)`);
  return settings?.driver === 'mysql2' ? 'mysql' : 'postgresql';
}

/** Server facts without a server: from --max-connections, else the server's defaults (marked assumed). */
export function offlineServer(o: PoolOptions, dialect: Dialect, cores: ServerFacts['cores']): ServerFacts {
  const pg = dialect === 'postgresql';
  const given = o.maxConnections !== undefined;
  const reserved =
    o.reservedConnections === undefined ? (pg ? 3 : 0) : numberFlag('--reserved-connections', o.reservedConnections, { integer: true });
  return {
    source: given ? 'flags' : 'assumed',
    dialect,
    maxConnections: given ? numberFlag('--max-connections', o.maxConnections ?? '', { integer: true, positive: true }) : pg ? 100 : 151,
    superuserReserved: reserved,
    reserved: 0,
    identifierLimit: pg ? 63 : 64,
    idleSessionTimeoutS: null,
    connections: null,
    pooler: null,
    cores,
  };
}
