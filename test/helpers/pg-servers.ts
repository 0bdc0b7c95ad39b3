/**
 * Throwaway PostgreSQL servers of other major versions, from the binaries `npm run pg-servers`
 * installs into $DBDOCTOR_PG_SERVERS_DIR (default /var/tmp/dbdoctor-pg-servers, where the
 * `postgres` user can reach them wherever the clone is): initdb into a temporary directory, start on a free port, stop
 * and remove everything afterwards. PostgreSQL refuses to run as root, so as root the server runs
 * as the `postgres` user.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from './ports.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where `npm run pg-servers` installs the binaries (scripts/pg-servers.mjs uses the same default). */
const PG_SERVERS_DIR = process.env.DBDOCTOR_PG_SERVERS_DIR || '/var/tmp/dbdoctor-pg-servers';

/** A version listed in test/servers/versions.json. */
export interface ServerVersion {
  readonly major: number;
  readonly alias: string;
  /** Directory of initdb and postgres, or null when not installed. */
  readonly binDir: string | null;
}

/** Every version the tests know of, with where its binaries are (null: run `npm run pg-servers`). */
export function serverVersions(): ServerVersion[] {
  const listed = JSON.parse(readFileSync(join(ROOT, 'test/servers/versions.json'), 'utf8')) as { major: number; alias: string }[];
  return listed.map((v) => {
    const binDir = join(PG_SERVERS_DIR, 'node_modules', v.alias, 'native/bin');
    return { major: v.major, alias: v.alias, binDir: existsSync(join(binDir, 'postgres')) ? binDir : null };
  });
}

/** A running server: `url` reaches its `postgres` database as the superuser `postgres`. */
export interface ThrowawayServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** uid and gid to run the server as: ours, or the postgres user's when we are root. */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}: ${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections: ${String(error)}: ${log()}`, { cause: error });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** initdb, start, and wait for connections. */
export async function startServer(binDir: string): Promise<ThrowawayServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dbdoctor-pg-'));
  const user = serverUser();
  if (user) chownSync(dataDir, user.uid, user.gid);
  const asUser = user ?? {};
  execFileSync(join(binDir, 'initdb'), ['-D', join(dataDir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C'], {
    ...asUser,
    stdio: 'pipe',
  });
  const port = await freePort();
  let output = '';
  const child = spawn(
    join(binDir, 'postgres'),
    [
      ...['-D', join(dataDir, 'data'), '-p', String(port), '-k', dataDir],
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=20'],
      // Workload analysis reads pg_stat_statements, which must be preloaded.
      ...['-c', 'shared_preload_libraries=pg_stat_statements'],
    ],
    { ...asUser, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT'); // fast shutdown
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child, () => output.slice(-2000));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
