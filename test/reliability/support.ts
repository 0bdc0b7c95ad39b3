/**
 * What the fault-and-abuse tests share: databases named faults_* on the local server, the CLI
 * run in-process with its output captured, and a second connection to hold locks with.
 */
import pg from 'pg';
import { runCli } from '../../src/cli/program.js';
import type { ApplyIo } from '../../src/cli/apply-command.js';
import { TEST_SERVER_URL } from '../helpers/databases.js';

let counter = 0;

/** A database of this suite on the local server, dropped by `drop`. */
export interface FaultsDatabase {
  readonly name: string;
  /** URL as the postgres superuser. */
  readonly url: string;
  readonly client: pg.Client;
  /** Another session on the same database. */
  connect(url?: string): Promise<pg.Client>;
  drop(): Promise<void>;
}

/** URL of database `name` on the test server, with the user and password given (or the server's). */
export function urlOf(name: string, user?: string, password?: string): string {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  if (user !== undefined) url.username = user;
  if (password !== undefined) url.password = password;
  return url.toString();
}

/** Creates database faults_<what>_<pid>_<n> and runs `schema` in it. */
export async function createFaultsDatabase(what: string, schema = ''): Promise<FaultsDatabase> {
  const name = `faults_${what}_${process.pid}_${counter++}`;
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = urlOf(name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  if (schema !== '') await client.query(schema);
  const others: pg.Client[] = [];
  return {
    name,
    url,
    client,
    async connect(other = url) {
      const c = new pg.Client({ connectionString: other });
      await c.connect();
      others.push(c);
      return c;
    },
    async drop() {
      for (const c of [client, ...others]) await c.end().catch(() => undefined);
      const a = new pg.Client({ connectionString: TEST_SERVER_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

/** What a CLI run printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process, answering "yes" to any confirmation. */
export async function cli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: ApplyIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    confirm: () => Promise.resolve(true),
    sleep: () => Promise.resolve(),
  };
  const code = await runCli([...args], io, { write: (s: string) => (stderr += s) });
  return { code, stdout, stderr };
}
