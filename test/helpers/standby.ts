/**
 * A real streaming standby of the local PostgreSQL 15 server, for `--replica`: `pg_basebackup -R`
 * into a temporary folder the `postgres` OS user owns, started with the same major version's
 * binaries on a free port. Its catalog and data are the primary's (replayed from WAL),
 * `pg_is_in_recovery()` is true, and queries run on it count in its own pg_stat_user_indexes.
 *
 * The primary must accept replication connections from 127.0.0.1: when its pg_hba.conf has no
 * `replication` line, one (`host replication all 127.0.0.1/32 trust`, the trust the test server
 * already gives every local connection) is added and the configuration reloaded.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { TEST_SERVER_URL } from './databases.js';
import { freePort } from './ports.js';

/** Binaries of the test server's major version (Debian's layout). */
export const PG15_BIN = process.env.DBDOCTOR_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A running standby; `urlOf(db)` reaches database `db` on it. */
export interface Standby {
  readonly port: number;
  urlOf(database: string): string;
  /** Waits until the standby has replayed everything the primary wrote so far. */
  catchUp(): Promise<void>;
  stop(): Promise<void>;
}

function postgresUser(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

async function withPrimary<T>(primaryUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: primaryUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Makes sure the primary lets 127.0.0.1 connect for replication (see the file comment). */
async function allowReplication(primaryUrl: string): Promise<void> {
  await withPrimary(primaryUrl, async (client) => {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_hba_file_rules WHERE 'replication' = ANY (database) AND (address IS NULL OR address = '127.0.0.1')`,
    );
    if (rows[0]!.n > 0) return;
    const file = (await client.query<{ hba_file: string }>('SHOW hba_file')).rows[0]!.hba_file;
    appendFileSync(file, '\n# dbdoctor tests: a streaming standby of this server\nhost replication all 127.0.0.1/32 trust\n');
    await client.query('SELECT pg_reload_conf()');
  });
}

/** Settings a hot standby must have at least as high as its primary. */
const MATCHED_SETTINGS = [
  'max_connections',
  'max_worker_processes',
  'max_wal_senders',
  'max_prepared_transactions',
  'max_locks_per_transaction',
];

/**
 * Takes a base backup of a PostgreSQL 15 server (default: the local test server) and starts it
 * as a streaming standby of that server.
 */
export async function startStandby(primary: string = TEST_SERVER_URL): Promise<Standby> {
  if (!existsSync(join(PG15_BIN, 'pg_basebackup')))
    throw new Error(`no PostgreSQL 15 binaries in ${PG15_BIN} (apt-get install postgresql-15)`);
  await allowReplication(primary);
  const primaryUrl = new URL(primary);
  const settings = await withPrimary(
    primary,
    async (client) =>
      (
        await client.query<{ name: string; setting: string }>('SELECT name, setting FROM pg_settings WHERE name = ANY ($1)', [
          MATCHED_SETTINGS,
        ])
      ).rows,
  );
  const user = postgresUser();
  // /tmp is world-enterable, so the postgres user reaches the folder whoever runs the tests.
  const root = mkdtempSync('/tmp/faults-standby-');
  chmodSync(root, 0o755);
  chownSync(root, user.uid, user.gid);
  const dataDir = join(root, 'data');
  execFileSync(
    join(PG15_BIN, 'pg_basebackup'),
    ['-h', primaryUrl.hostname, '-p', primaryUrl.port || '5432', '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast'],
    { uid: user.uid, gid: user.gid, stdio: 'pipe', cwd: root },
  );
  // A Debian cluster keeps its configuration in /etc, so the backup has none: give the standby its own.
  writeFileSync(join(dataDir, 'postgresql.conf'), '');
  writeFileSync(join(dataDir, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
  writeFileSync(join(dataDir, 'pg_ident.conf'), '');
  for (const f of ['postgresql.conf', 'pg_hba.conf', 'pg_ident.conf']) chownSync(join(dataDir, f), user.uid, user.gid);
  const port = await freePort();
  let output = '';
  const child = spawn(
    join(PG15_BIN, 'postgres'),
    [
      ...['-D', dataDir, '-p', String(port), '-k', root],
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'hot_standby=on', '-c', 'fsync=off'],
      ...settings.flatMap((s) => ['-c', `${s.name}=${s.setting}`]),
    ],
    { uid: user.uid, gid: user.gid, stdio: ['ignore', 'pipe', 'pipe'], cwd: root },
  );
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const urlOf = (database: string): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  };
  const catchUp = async (): Promise<void> => {
    const target = await withPrimary(
      primary,
      async (c) => (await c.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn,
    );
    const standby = new pg.Client({ connectionString: urlOf('postgres') });
    standby.on('error', () => undefined);
    await standby.connect();
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { rows } = await standby.query<{ caught_up: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught_up', [
          target,
        ]);
        if (rows[0]!.caught_up) return;
        if (Date.now() > deadline) throw new Error(`the standby did not replay up to ${target}: ${output.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await standby.end();
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the standby exited with ${child.exitCode}: ${output.slice(-2000)} ${readFileSafe(join(dataDir, 'log'))}`);
    }
    const client = new pg.Client({ connectionString: urlOf('postgres') });
    // A server still starting up may drop the connection: that is a retry, not a crash.
    client.on('error', () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
      await client.end();
      if (rows[0]!.r) break;
      throw new Error('the backup started as a primary, not a standby');
    } catch (error) {
      await client.end().catch(() => undefined);
      if (error instanceof Error && error.message.startsWith('the backup started')) {
        await stop();
        throw error;
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`the standby did not accept connections: ${String(error)}: ${output.slice(-2000)}`, { cause: error });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { port, urlOf, catchUp, stop };
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(-2000);
  } catch {
    return '';
  }
}
