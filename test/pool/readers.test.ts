import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { readEngineCalls } from '../../src/pool/python-reader.js';
import { readSettingsFile } from '../../src/pool/read-settings.js';
import { poissonQuantile } from '../../src/pool/math.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-pool-'));
});

describe('Python create_engine reader (static, no Python run)', () => {
  test('reads keyword arguments: numbers, booleans, strings, names, None; comments and strings do not confuse it', () => {
    const source = `
# create_engine(pool_size=1) in a comment is not a call
def create_engine(*a, **k): ...
doc = "create_engine(pool_size=2)"
engine = sqlalchemy.create_engine(
    settings.DATABASE_URL,          # the URL
    pool_size=1_000, max_overflow=-1,
    pool_timeout=2.5, pool_pre_ping=True, echo=None,
    pool_recycle=60 * 60,
    connect_args={"options": "-c statement_timeout=5000", "x": (1, 2)},
    isolation_level='READ ' "COMMITTED",
    poolclass=pool.NullPool,
)`;
    const [call, ...rest] = readEngineCalls(source);
    expect(rest).toHaveLength(0);
    expect(call?.line).toBe(5);
    const args = Object.fromEntries((call?.args ?? []).map((a) => [a.name ?? '_', a.value]));
    expect(args._).toEqual({ kind: 'name', name: 'settings.DATABASE_URL' });
    expect(args.pool_size).toMatchObject({ kind: 'number', value: 1000 });
    expect(args.max_overflow).toMatchObject({ kind: 'number', value: -1 });
    expect(args.pool_timeout).toMatchObject({ kind: 'number', value: 2.5 });
    expect(args.pool_pre_ping).toEqual({ kind: 'boolean', value: true });
    expect(args.echo).toEqual({ kind: 'none' });
    expect(args.pool_recycle).toEqual({ kind: 'expression', text: '60 * 60' });
    expect(args.connect_args?.kind).toBe('expression');
    expect(args.isolation_level).toEqual({ kind: 'string', value: 'READ COMMITTED' });
    expect(args.poolclass).toEqual({ kind: 'name', name: 'pool.NullPool' });
  });

  test('create_async_engine and triple-quoted strings', () => {
    const [call] = readEngineCalls(`x = """create_engine(pool_size=9)"""\ne = create_async_engine(URL, pool_size=7)\n`);
    expect(call?.function).toBe('create_async_engine');
    expect(call?.args[1]).toMatchObject({ name: 'pool_size', value: { kind: 'number', value: 7 } });
  });
});

describe('pool settings from application code', () => {
  test('node-postgres Pool options in TypeScript, with arithmetic and env expressions', async () => {
    const file = join(dir, 'db.ts');
    await writeFile(
      file,
      `import { Pool } from 'pg';
// new Pool({ max: 99 }) in a comment
export const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: 40,
  idleTimeoutMillis: 30 * 1000,
  ssl: { rejectUnauthorized: false },
});
`,
    );
    const settings = await readSettingsFile(file);
    expect(settings.driver).toBe('node-postgres');
    expect(settings.source).toMatchObject({ kind: 'javascript', line: 3, what: 'Pool({...})' });
    expect(settings.values.max).toMatchObject({ kind: 'number', value: 40 });
    expect(settings.values.idleTimeoutMillis).toMatchObject({ kind: 'number', value: 30000 });
    expect(settings.values.connectionString).toEqual({ kind: 'name', name: 'process.env.DATABASE_URL' });
  });

  test('mysql2 createPool in JavaScript and a nested JSON config', async () => {
    const js = join(dir, 'db.js');
    await writeFile(js, "const pool = mysql.createPool({ host: 'db', connectionLimit: 25, waitForConnections: true });\n");
    expect((await readSettingsFile(js)).driver).toBe('mysql2');
    const json = join(dir, 'config.json');
    await writeFile(json, JSON.stringify({ app: { port: 80 }, database: { pool: { max: 12, connectionTimeoutMillis: 5000 } } }));
    const settings = await readSettingsFile(json);
    expect(settings.driver).toBe('node-postgres');
    expect(settings.values.max).toMatchObject({ value: 12 });
  });

  test('unreadable and unrecognisable files are user errors', async () => {
    await expect(readSettingsFile(join(dir, 'nope.py'))).rejects.toThrow(/cannot read .*nope\.py: ENOENT/);
    const empty = join(dir, 'empty.py');
    await writeFile(empty, 'print("no engine here")\n');
    await expect(readSettingsFile(empty)).rejects.toThrow(/no create_engine/);
  });
});

describe('Poisson quantile', () => {
  test('matches hand-computed values and stays monotone past the normal-approximation switch', () => {
    expect(poissonQuantile(16)).toBe(30);
    expect(poissonQuantile(1)).toBe(5);
    expect(poissonQuantile(0)).toBe(0);
    expect(poissonQuantile(499)).toBeLessThanOrEqual(poissonQuantile(501));
    expect(poissonQuantile(1000)).toBeGreaterThan(1090);
    expect(poissonQuantile(1000)).toBeLessThan(1110);
  });
});
