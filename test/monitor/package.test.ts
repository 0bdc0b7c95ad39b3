/**
 * The package as a user installs it: what the tarball holds, what importing `dbdoctor/monitor` loads,
 * and a consumer project on prom-client 14 and on 15 whose own registry receives the metrics.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TEST_SERVER_URL } from '../helpers/databases.js';
import { dropDatabase, sample } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CACHE = join(ROOT, '.cache', 'monitor-consumer');
// Packages only the auditing code needs: the monitor must load none of them.
const HEAVY =
  /node_modules\/(?:@electric-sql\/pglite|libpg-query|mysql2|zod|better-sqlite3|web-tree-sitter|tree-sitter-[a-z]+|commander|ora)\//;

interface PackedFile {
  readonly path: string;
}

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  return (JSON.parse(out) as Array<{ files: PackedFile[] }>)[0]?.files.map((f) => f.path) ?? [];
}

describe('the tarball', () => {
  const files = packedFiles();

  test('has the LICENSE, the library and its sources, and no benchmark or test code', () => {
    expect(files).toContain('LICENSE');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(files).toContain('dist/src/monitor/index.js');
    expect(files).toContain('dist/src/monitor/index.d.ts');
    expect(files.filter((f) => /^(?:dist\/)?(?:bench|test)\//.test(f))).toEqual([]);
  });

  test('every source map points at files the tarball ships', () => {
    const shipped = new Set(files);
    const maps = files.filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const dangling: string[] = [];
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(ROOT, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const target = posix.normalize(posix.join(posix.dirname(map), source));
        if (!shipped.has(target)) dangling.push(`${map} -> ${target}`);
      }
    }
    expect(dangling).toEqual([]);
  });

  test('prom-client and @opentelemetry/api are optional peer dependencies, never dependencies', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    for (const name of ['prom-client', '@opentelemetry/api']) {
      expect(manifest.dependencies[name]).toBeUndefined();
      expect(manifest.peerDependencies[name]).toBeDefined();
      expect(manifest.peerDependenciesMeta[name]?.optional).toBe(true);
    }
    expect(manifest.peerDependencies['prom-client']).toMatch(/\^14.*\^15/);
  });
});

/** Every module file `entry` reaches through static and dynamic imports, following relative ones; bare specifiers apart. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\w*\([^)]*\)\s*\(\s*)['"]([^'"]+)['"]/g)) {
      const spec = m[1] ?? '';
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

test("the monitor's import graph in dist reaches no auditing dependency", () => {
  const { files, packages } = importGraph(join(ROOT, 'dist/src/monitor/index.js'));
  const outside = [...files].map((f) => f.slice(ROOT.length + 1)).filter((f) => !f.startsWith('dist/src/monitor/'));
  expect(outside).toEqual(['dist/src/util/version.js']);
  expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
});

// Records every module the ESM loader resolves (hooks run on their own thread: they append to a file).
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.TRACE_FILE, result.url + '\\n');
  return result;
}
`;
const TRACE = `import { register } from 'node:module';
register('./hooks.mjs', import.meta.url);
`;
const APP = `import { createRequire } from 'node:module';
import { register } from 'prom-client';
import pg from 'pg';
import { monitorPool } from 'dbdoctor/monitor';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
// No registry given: the monitor must find this application's own prom-client.
const monitor = monitorPool(pool, { name: 'consumer', slowQueryMs: false, leakDetectionMs: false });
for (let i = 0; i < 3; i++) await pool.query('SELECT $1::int AS n', [i]);
await pool.query("INSERT INTO t VALUES (1)");
const text = await register.metrics();
monitor.stop();
await pool.end();
const require = createRequire(import.meta.url);
process.stdout.write(JSON.stringify({ text, version: require('prom-client/package.json').version, cjs: Object.keys(require.cache) }));
`;

describe('a consumer project installs the tarball', () => {
  const dbName = `monitor_consumer_${process.pid}`;
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${dbName}`;
  let admin: pg.Client;
  let packDir: string;
  let tarball: string;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: TEST_SERVER_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
    await admin.query(`CREATE DATABASE ${dbName}`);
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    await db.query('CREATE TABLE t (id int)');
    await db.end();
    // dist/ was built by the test setup; packing must not rebuild it.
    packDir = mkdtempSync(join(tmpdir(), 'dbdoctor-pack-'));
    const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: ROOT, encoding: 'utf8' });
    tarball = join(packDir, (JSON.parse(out) as Array<{ filename: string }>)[0]?.filename ?? '');
  });

  afterAll(async () => {
    rmSync(packDir, { recursive: true, force: true });
    await dropDatabase(admin, dbName);
    await admin.end();
  });

  test.each([14, 15])(
    'with prom-client %i: the metrics land in the application registry, and no auditing dependency is loaded',
    (major) => {
      // The project folder is kept between runs (in .cache/) so only the tarball is installed afresh.
      const dir = join(CACHE, `prom-client-${major}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${major}`, private: true, type: 'module' }));
      execFileSync(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--ignore-scripts',
          '--prefer-offline',
          '--no-package-lock',
          `prom-client@${major}`,
          'pg@8',
          tarball,
        ],
        { cwd: dir, stdio: 'pipe' },
      );
      expect(existsSync(join(dir, 'node_modules/dbdoctor/node_modules/prom-client'))).toBe(false);
      writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
      writeFileSync(join(dir, 'trace.mjs'), TRACE);
      writeFileSync(join(dir, 'app.mjs'), APP);
      const trace = join(dir, 'trace.log');
      rmSync(trace, { force: true });
      const out = execFileSync('node', ['--import', pathToFileURL(join(dir, 'trace.mjs')).href, join(dir, 'app.mjs')], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: url.toString(), TRACE_FILE: trace },
      });
      const result = JSON.parse(out) as { text: string; version: string; cjs: string[] };
      expect(result.version.split('.')[0]).toBe(String(major));
      const labels = {
        db_client_connection_pool_name: 'consumer',
        db_system_name: 'postgresql',
        server_address: url.hostname,
        server_port: url.port || '5432',
        db_namespace: dbName,
      };
      expect(sample(result.text, 'db_client_operation_duration_seconds_count', { ...labels, db_operation_name: 'SELECT' })).toBe(3);
      expect(sample(result.text, 'db_client_operation_duration_seconds_count', { ...labels, db_operation_name: 'INSERT' })).toBe(1);
      expect(sample(result.text, 'db_client_connection_max', { db_client_connection_pool_name: 'consumer' })).toBe(2);

      const loaded = [...readFileSync(trace, 'utf8').split('\n').filter(Boolean), ...result.cjs];
      expect(loaded.filter((m) => HEAVY.test(m))).toEqual([]);
      const ours = loaded.filter((m) => m.includes('/node_modules/dbdoctor/')).map((m) => m.replace(/^.*\/node_modules\/dbdoctor\//, ''));
      expect(ours.filter((m) => !m.startsWith('dist/src/monitor/') && m !== 'dist/src/util/version.js' && m !== 'package.json')).toEqual(
        [],
      );
      expect(ours).toContain('dist/src/monitor/index.js');
    },
    600_000,
  );
});
