import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { UserError } from '../util/errors.js';
import { parse as parseYaml } from 'yaml';
import { isObjectLiteral, objectFromJson, prismaUrlParameters, readObjectLiterals, type ObjectLiteral } from './js-reader.js';
import { readPythonPools } from './python-reader.js';
import type { PoolDriver, PoolSettings, SettingValue } from './types.js';

/** Option names only node-postgres' `Pool` has. */
const PG_KEYS = ['idleTimeoutMillis', 'connectionTimeoutMillis', 'maxLifetimeSeconds', 'maxUses', 'allowExitOnIdle'];
/** Option names only mysql2's `createPool` has. */
const MYSQL2_KEYS = ['connectionLimit', 'waitForConnections', 'queueLimit', 'maxIdle', 'idleTimeout', 'enableKeepAlive'];
/** knex (tarn) pool options. */
const KNEX_KEYS = ['acquireTimeoutMillis', 'createTimeoutMillis', 'destroyTimeoutMillis', 'reapIntervalMillis', 'propagateCreateError'];
/** Sequelize pool options. */
const SEQUELIZE_KEYS = ['acquire', 'idle', 'evict'];
/** SQLAlchemy's pool keywords, for a JSON or YAML config written with them. */
const SQLALCHEMY_KEYS = ['pool_size', 'max_overflow', 'pool_timeout', 'pool_recycle', 'pool_pre_ping'];
/** psycopg_pool's keywords. */
const PSYCOPG_KEYS = ['min_size', 'max_size', 'max_lifetime', 'max_idle'];

function driverOfKeys(object: ObjectLiteral): PoolDriver | null {
  const keys = [...object.properties.keys()];
  if (object.callee === 'datasource url') return 'prisma';
  const poolKeys = ['max', 'min', ...PG_KEYS, ...MYSQL2_KEYS, ...KNEX_KEYS, ...SEQUELIZE_KEYS];
  if (object.hint && object.hint !== 'prisma' && keys.some((k) => poolKeys.includes(k))) return object.hint;
  const score = (names: readonly string[]): number => keys.filter((k) => names.includes(k)).length;
  const scores: Array<[PoolDriver, number]> = [
    ['sqlalchemy', score(SQLALCHEMY_KEYS)],
    ['psycopg-pool', score(PSYCOPG_KEYS)],
    ['mysql2', score(MYSQL2_KEYS)],
    ['knex', score(KNEX_KEYS)],
    ['sequelize', score(SEQUELIZE_KEYS) > 0 && keys.includes('max') ? score(SEQUELIZE_KEYS) : 0],
    // `max` alone (with min, idleTimeoutMillis) is node-postgres' shape, the most common.
    ['node-postgres', score(PG_KEYS) + (keys.includes('max') ? 0.5 : 0)],
  ];
  const [driver, best] = scores.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best > 0 ? driver : null;
}

/** Depth-first: the first object whose keys name pool options, and its driver. */
function findPoolObject(objects: readonly ObjectLiteral[], wanted: PoolDriver | undefined): [ObjectLiteral, PoolDriver] | null {
  for (const object of objects) {
    const driver = driverOfKeys(object);
    if (driver && (wanted === undefined || wanted === driver)) return [object, driver];
    const nested = [...object.properties.values()].filter(isObjectLiteral);
    const inner = findPoolObject(nested, wanted);
    if (inner) return inner;
  }
  return null;
}

function flatValues(object: ObjectLiteral): { [name: string]: SettingValue } {
  const values: { [name: string]: SettingValue } = {};
  for (const [key, value] of object.properties) {
    if (!isObjectLiteral(value)) values[key] = value;
  }
  return values;
}

async function fromPython(source: string, file: string, wanted: PoolDriver | undefined): Promise<PoolSettings> {
  const pools = await readPythonPools(source);
  const pool = pools.find((p) => wanted === undefined || p.driver === wanted) ?? (wanted === 'sqlalchemy' ? undefined : pools[0]);
  if (!pool) throw new UserError(`${file}: no create_engine(...), ConnectionPool(...) or Django DATABASES found`);
  return {
    driver: pool.driver,
    values: pool.values,
    positional: pool.positional,
    source: { kind: 'python', file, line: pool.line, what: pool.what },
  };
}

function fromObjects(
  objects: readonly ObjectLiteral[],
  file: string,
  kind: 'json' | 'javascript',
  wanted: PoolDriver | undefined,
): PoolSettings {
  // The options a pool is created with (`new Pool({...})`) before objects that may only feed them by spread.
  const called = objects.filter((o) => o.callee !== null && o.hint !== null);
  const found = findPoolObject(called, wanted) ?? findPoolObject(objects, wanted);
  if (!found) {
    const what = wanted ? `${wanted} ` : '';
    throw new UserError(`${file}: no ${what}pool options found (looked for max/idleTimeoutMillis, connectionLimit, pool_size…)`);
  }
  const [object, driver] = found;
  const what =
    object.callee === 'datasource url'
      ? 'connection URL parameters'
      : object.callee
        ? `${object.callee}({...})`
        : driver === 'knex' || driver === 'sequelize'
          ? 'pool: {...}'
          : 'options object';
  return { driver, values: flatValues(object), positional: [], source: { kind, file, line: object.line, what } };
}

/** A value as Python/JavaScript source, for showing it back. */
export function sourceText(value: SettingValue): string {
  switch (value.kind) {
    case 'number':
      return value.text;
    case 'boolean':
      return value.value ? 'True' : 'False';
    case 'string':
      return JSON.stringify(value.value);
    case 'none':
      return 'None';
    case 'name':
      return value.name;
    case 'expression':
    case 'env':
      return value.text;
  }
}

/**
 * Reads a pool's settings from application code, parsed (never run): Python (`create_engine`,
 * psycopg_pool, Django `DATABASES`), JavaScript/TypeScript (node-postgres, mysql2, knex,
 * Sequelize, Prisma URLs), JSON or YAML config, or a `.env` holding a Prisma URL.
 */
export async function readSettingsFile(file: string, wanted?: PoolDriver): Promise<PoolSettings> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.py') return fromPython(source, file, wanted);
  if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
    let parsed: unknown;
    try {
      parsed = ext === '.json' ? JSON.parse(source) : parseYaml(source, { prettyErrors: false });
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      throw new UserError(`${file}: not valid ${ext === '.json' ? 'JSON' : 'YAML'} (${reason})`);
    }
    const object = objectFromJson(parsed);
    return fromObjects(object ? [object] : [], file, 'json', wanted);
  }
  if (['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.jsx', '.tsx'].includes(ext))
    return fromObjects(await readObjectLiterals(source, ext.endsWith('x')), file, 'javascript', wanted);
  // .env, schema.prisma and other files: a Prisma URL's pool parameters.
  const prisma = [...source.matchAll(/\S*[?&](?:connection_limit|pool_timeout)=\S*/g)].map((m) => prismaUrlParameters(m[0]));
  if (prisma.length > 0 && prisma[0]) {
    const line = source.slice(0, source.search(/[?&](connection_limit|pool_timeout)=/)).split('\n').length;
    return {
      driver: 'prisma',
      values: Object.fromEntries(prisma[0]),
      positional: [],
      source: { kind: 'url', file, line, what: 'connection URL parameters' },
    };
  }
  throw new UserError(`${file}: unknown kind of file (expected .py, .js, .ts, .json, .yaml, or a .env with a Prisma URL)`);
}

/** Parses one `--set key=value`: numbers, booleans (true/True), None/null, else a string. */
export function parseSetting(text: string): [string, SettingValue] {
  const eq = text.indexOf('=');
  const key = text.slice(0, eq).trim();
  if (eq <= 0 || !/^[A-Za-z_]\w*$/.test(key)) throw new UserError(`--set expects key=value, got "${text}"`);
  const raw = text.slice(eq + 1).trim();
  if (/^-?\d+(\.\d+)?$/.test(raw)) return [key, { kind: 'number', value: Number(raw), text: raw }];
  if (/^(true|false)$/i.test(raw)) return [key, { kind: 'boolean', value: raw.toLowerCase() === 'true' }];
  if (/^(none|null)$/i.test(raw)) return [key, { kind: 'none' }];
  return [key, { kind: 'string', value: raw }];
}
