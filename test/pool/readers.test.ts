import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { readPythonPools } from '../../src/pool/python-reader.js';
import { readSettingsFile } from '../../src/pool/read-settings.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-pool-'));
});

async function read(name: string, source: string, wanted?: Parameters<typeof readSettingsFile>[1]) {
  const file = join(dir, name);
  await writeFile(file, source);
  return readSettingsFile(file, wanted);
}

describe('Python, parsed with tree-sitter-python', () => {
  test('create_engine keywords: literals, arithmetic, names; comments, strings and definitions are not calls', async () => {
    const [pool, ...rest] = await readPythonPools(`
# create_engine(pool_size=1) in a comment is not a call
def create_engine(*a, **k): ...
doc = "create_engine(pool_size=2)"
engine = sqlalchemy.create_engine(
    settings.DATABASE_URL,          # the URL
    pool_size=1_000, max_overflow=-1,
    pool_timeout=2.5, pool_pre_ping=True, echo=None,
    pool_recycle=60 * 60,
    connect_args={"options": "-c statement_timeout=5000"},
    isolation_level='READ ' "COMMITTED",
    poolclass=pool.NullPool,
)`);
    expect(rest).toHaveLength(0);
    expect(pool).toMatchObject({ driver: 'sqlalchemy', what: 'create_engine(...)', line: 5, positional: ['settings.DATABASE_URL'] });
    const v = pool?.values ?? {};
    expect(v.pool_size).toMatchObject({ kind: 'number', value: 1000 });
    expect(v.max_overflow).toMatchObject({ kind: 'number', value: -1 });
    expect(v.pool_timeout).toMatchObject({ kind: 'number', value: 2.5 });
    expect(v.pool_pre_ping).toEqual({ kind: 'boolean', value: true });
    expect(v.echo).toEqual({ kind: 'none' });
    expect(v.pool_recycle).toMatchObject({ kind: 'number', value: 60 * 60 });
    expect(v.connect_args?.kind).toBe('expression');
    expect(v.isolation_level).toEqual({ kind: 'string', value: 'READ COMMITTED' });
    expect(v.poolclass).toEqual({ kind: 'name', name: 'pool.NullPool' });
  });

  test('a FastAPI-style database module: env lookups, module constants and **engine_kwargs', async () => {
    const settings = await read(
      'session.py',
      `import os
from sqlalchemy.ext.asyncio import create_async_engine, async_sessionmaker
from app.core.config import settings

POOL_SIZE = int(os.getenv("DB_POOL_SIZE", "20"))
RECYCLE = 30 * 60
engine_kwargs = {"pool_pre_ping": True, "pool_recycle": RECYCLE, **{"echo": False}}

engine = create_async_engine(
    str(settings.SQLALCHEMY_DATABASE_URI),
    pool_size=POOL_SIZE,
    max_overflow=int(os.environ["DB_MAX_OVERFLOW"]),
    pool_timeout=None,
    **engine_kwargs,
)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
`,
    );
    expect(settings.driver).toBe('sqlalchemy');
    expect(settings.source).toMatchObject({ kind: 'python', line: 9, what: 'create_async_engine(...)' });
    expect(settings.positional).toEqual(['str(settings.SQLALCHEMY_DATABASE_URI)']);
    expect(settings.values.pool_size).toMatchObject({ kind: 'env', variable: 'DB_POOL_SIZE', fallback: '20' });
    expect(settings.values.max_overflow).toMatchObject({ kind: 'env', variable: 'DB_MAX_OVERFLOW', fallback: null });
    expect(settings.values.pool_recycle).toMatchObject({ kind: 'number', value: 1800 });
    expect(settings.values.pool_pre_ping).toEqual({ kind: 'boolean', value: true });
    expect(settings.values.echo).toEqual({ kind: 'boolean', value: false });
    expect(settings.values.pool_timeout).toEqual({ kind: 'none' });
  });

  test("Flask-SQLAlchemy's SQLALCHEMY_ENGINE_OPTIONS in a config class", async () => {
    const settings = await read(
      'config.py',
      `import os
class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_size": 10,
        "max_overflow": 5,
        "pool_recycle": 280,
    }
`,
    );
    expect(settings).toMatchObject({ driver: 'sqlalchemy', source: { line: 4, what: 'SQLALCHEMY_ENGINE_OPTIONS' } });
    expect(settings.values.pool_recycle).toMatchObject({ value: 280 });
  });

  test('Django settings: dj_database_url.config(conn_max_age=...) and the psycopg pool of Django 5.1', async () => {
    const classic = await read(
      'settings.py',
      `import dj_database_url
DATABASES = {
    "default": dj_database_url.config(default="postgres://localhost/app", conn_max_age=600, conn_health_checks=True),
}
`,
    );
    expect(classic.driver).toBe('django');
    expect(classic.values).toEqual({
      CONN_MAX_AGE: { kind: 'number', value: 600, text: '600' },
      CONN_HEALTH_CHECKS: { kind: 'boolean', value: true },
    });
    const pooled = await read(
      'settings_pool.py',
      `from .base import *  # noqa
POOL_OPTIONS = {"min_size": 2, "max_size": 8, "timeout": 10}
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": env("POSTGRES_DB"),
        "CONN_MAX_AGE": None,
        "OPTIONS": {"pool": POOL_OPTIONS},
    }
}
`,
    );
    expect(pooled).toMatchObject({ driver: 'psycopg-pool', source: { what: 'DATABASES["default"]["OPTIONS"]["pool"]' } });
    expect(pooled.values.max_size).toMatchObject({ value: 8 });
    const persistent = await read(
      'settings_persistent.py',
      `DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": None}}\n`,
    );
    expect(persistent).toMatchObject({ driver: 'django', values: { CONN_MAX_AGE: { kind: 'none' } } });
  });

  test("psycopg_pool's ConnectionPool", async () => {
    const settings = await read(
      'pool.py',
      `from psycopg_pool import ConnectionPool
pool = ConnectionPool(conninfo=os.environ["DATABASE_URL"], min_size=2, max_size=10, timeout=5.0, open=False)
`,
    );
    expect(settings).toMatchObject({ driver: 'psycopg-pool', source: { line: 2 } });
    expect(settings.values.timeout).toMatchObject({ value: 5 });
    expect(settings.values.conninfo).toMatchObject({ kind: 'env', variable: 'DATABASE_URL' });
  });
});

describe('JavaScript and TypeScript, parsed with tree-sitter-typescript', () => {
  test('node-postgres: spreads of a typed base, env lookups with defaults, numeric separators, 0 timeouts', async () => {
    const settings = await read(
      'db.ts',
      `import { Pool, type PoolConfig } from 'pg';
// new Pool({ max: 99 }) in a comment
const base: PoolConfig = {
  connectionString: process.env.DATABASE_URL,
  max: 99,
};
export const pool = new Pool({
  ...base,
  max: Number(process.env.PG_POOL_MAX ?? 20),
  idleTimeoutMillis: 30_000,
  connectionTimeoutMillis: 0,
  maxLifetimeSeconds: 60 * 60,
} satisfies PoolConfig);
`,
    );
    expect(settings.driver).toBe('node-postgres');
    expect(settings.source).toMatchObject({ kind: 'javascript', line: 7, what: 'Pool({...})' });
    expect(settings.values.connectionString).toMatchObject({ kind: 'env', variable: 'DATABASE_URL' });
    expect(settings.values.max).toMatchObject({ kind: 'env', variable: 'PG_POOL_MAX', fallback: '20' });
    expect(settings.values.idleTimeoutMillis).toMatchObject({ kind: 'number', value: 30000 });
    expect(settings.values.connectionTimeoutMillis).toMatchObject({ kind: 'number', value: 0 });
    expect(settings.values.maxLifetimeSeconds).toMatchObject({ kind: 'number', value: 3600 });
  });

  test('a knexfile: environments sharing a base by spread', async () => {
    const settings = await read(
      'knexfile.js',
      `const shared = {
  client: 'postgresql',
  migrations: { tableName: 'knex_migrations' },
};
module.exports = {
  production: {
    ...shared,
    connection: process.env.DATABASE_URL,
    pool: { min: 2, max: 20, acquireTimeoutMillis: 10000 },
  },
};
`,
    );
    expect(settings.driver).toBe('knex');
    expect(settings.source).toMatchObject({ line: 9, what: 'pool: {...}' });
    expect(settings.values).toMatchObject({ min: { value: 2 }, max: { value: 20 }, acquireTimeoutMillis: { value: 10000 } });
  });

  test('Sequelize, mysql2 and a Prisma URL', async () => {
    const sequelize = await read(
      'sequelize.js',
      `const sequelize = new Sequelize(process.env.DB_NAME, process.env.DB_USER, process.env.DB_PASS, {
  dialect: 'postgres',
  pool: { max: 15, min: 0, acquire: 30000, idle: 10000 },
});
`,
    );
    expect(sequelize).toMatchObject({ driver: 'sequelize', values: { max: { value: 15 }, acquire: { value: 30000 } } });
    const mysql = await read(
      'mysql.mjs',
      "const options = { host: 'db', waitForConnections: true };\nexport const pool = mysql.createPool({ ...options, connectionLimit: 25 });\n",
    );
    expect(mysql).toMatchObject({ driver: 'mysql2', values: { connectionLimit: { value: 25 }, waitForConnections: { value: true } } });
    const prisma = await read(
      'prisma.ts',
      'export const prisma = new PrismaClient({ datasources: { db: { url: `${process.env.DATABASE_URL}?connection_limit=5&pool_timeout=0` } } });\n',
    );
    expect(prisma).toMatchObject({ driver: 'prisma', values: { connection_limit: { value: 5 }, pool_timeout: { value: 0 } } });
    const env = await read('.env', 'NODE_ENV=production\nDATABASE_URL="postgresql://app@db:5432/app?schema=public&connection_limit=12"\n');
    expect(env).toMatchObject({ driver: 'prisma', source: { kind: 'url', line: 2 }, values: { connection_limit: { value: 12 } } });
  });

  test('JSON and YAML config files with nested pool objects', async () => {
    const json = await read(
      'config.json',
      JSON.stringify({ app: { port: 80 }, database: { pool: { max: 12, connectionTimeoutMillis: 5000 } } }),
    );
    expect(json).toMatchObject({ driver: 'node-postgres', values: { max: { value: 12 } } });
    const yaml = await read('database.yml', 'production:\n  adapter: postgresql\n  engine:\n    pool_size: 15\n    max_overflow: 5\n');
    expect(yaml).toMatchObject({ driver: 'sqlalchemy', values: { pool_size: { value: 15 } } });
  });

  test('unreadable and unrecognisable files are user errors', async () => {
    await expect(readSettingsFile(join(dir, 'nope.py'))).rejects.toThrow(/cannot read .*nope\.py: ENOENT/);
    await expect(read('empty.py', 'print("no engine here")\n')).rejects.toThrow(/no create_engine/);
    await expect(read('plain.js', 'console.log({ a: 1 });\n')).rejects.toThrow(/no pool options found/);
  });
});
