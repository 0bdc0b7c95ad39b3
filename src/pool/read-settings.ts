import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { UserError } from '../util/errors.js';
import { isObjectLiteral, objectFromJson, readObjectLiterals, type ObjectLiteral } from './js-reader.js';
import { readEngineCalls } from './python-reader.js';
import type { PoolDriver, PoolSettings, SettingValue } from './types.js';

/** Option names only node-postgres' `Pool` has. */
const PG_KEYS = ['max', 'min', 'idleTimeoutMillis', 'connectionTimeoutMillis', 'maxLifetimeSeconds', 'maxUses', 'allowExitOnIdle'];
/** Option names only mysql2's `createPool` has. */
const MYSQL2_KEYS = ['connectionLimit', 'waitForConnections', 'queueLimit', 'maxIdle', 'idleTimeout', 'enableKeepAlive'];
/** SQLAlchemy's pool keywords, for a JSON config written with them. */
const SQLALCHEMY_KEYS = ['pool_size', 'max_overflow', 'pool_timeout', 'pool_recycle', 'pool_pre_ping'];

function driverOfKeys(keys: readonly string[], callee: string | null): PoolDriver | null {
  const score = (names: readonly string[]): number => keys.filter((k) => names.includes(k)).length;
  const pg = score(PG_KEYS) + (callee === 'Pool' ? 1 : 0);
  const mysql = score(MYSQL2_KEYS) + (callee === 'createPool' ? 1 : 0);
  const sqlalchemy = score(SQLALCHEMY_KEYS);
  const best = Math.max(pg, mysql, sqlalchemy);
  if (best === 0) return null;
  return best === sqlalchemy ? 'sqlalchemy' : best === mysql ? 'mysql2' : 'node-postgres';
}

/** Depth-first: the first object whose keys name pool options, and its driver. */
function findPoolObject(objects: readonly ObjectLiteral[], wanted: PoolDriver | undefined): [ObjectLiteral, PoolDriver] | null {
  for (const object of objects) {
    const driver = driverOfKeys([...object.properties.keys()], object.callee);
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

function fromPython(source: string, file: string): PoolSettings {
  const calls = readEngineCalls(source);
  const call = calls[0];
  if (!call) throw new UserError(`${file}: no create_engine(...) call found`);
  const values: { [name: string]: SettingValue } = {};
  const positional: string[] = [];
  for (const arg of call.args) {
    if (arg.name === null) positional.push(sourceText(arg.value));
    else values[arg.name] = arg.value;
  }
  return { driver: 'sqlalchemy', values, positional, source: { kind: 'python', file, line: call.line, what: `${call.function}(...)` } };
}

function fromObjects(
  objects: readonly ObjectLiteral[],
  file: string,
  kind: 'json' | 'javascript',
  wanted: PoolDriver | undefined,
): PoolSettings {
  const found = findPoolObject(objects, wanted);
  if (!found) {
    const what = wanted ? `${wanted} ` : '';
    throw new UserError(`${file}: no ${what}pool options found (looked for max/idleTimeoutMillis, connectionLimit, pool_size…)`);
  }
  const [object, driver] = found;
  const what = object.callee ? `${object.callee}({...})` : 'options object';
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
 * Reads a pool's settings from application code: a Python file's `create_engine(...)`, or a
 * node-postgres / mysql2 options object in a JSON or JavaScript/TypeScript file.
 */
export async function readSettingsFile(file: string, wanted?: PoolDriver): Promise<PoolSettings> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.py') return fromPython(source, file);
  if (ext === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(source);
    } catch (error) {
      throw new UserError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const object = objectFromJson(parsed);
    return fromObjects(object ? [object] : [], file, 'json', wanted);
  }
  if (['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'].includes(ext))
    return fromObjects(readObjectLiterals(source), file, 'javascript', wanted);
  // No telling extension: a create_engine call decides, else try an options object.
  if (readEngineCalls(source).length > 0) return fromPython(source, file);
  return fromObjects(readObjectLiterals(source), file, 'javascript', wanted);
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
