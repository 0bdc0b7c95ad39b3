/**
 * The benchmark's own database, `dbdoctor_bench_<pid>` on the server at DBDOCTOR_BENCH_PG:
 * created once, dropped exactly once, whatever happens (an error, SIGINT, SIGTERM).
 */
import pg from 'pg';

/** The server to build on (its `test` database is only used to create and drop ours). */
export const SERVER_URL = process.env.DBDOCTOR_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
export const DB_NAME = `dbdoctor_bench_${process.pid}`;

/** SERVER_URL with another database. */
export function urlFor(database: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Progress on stderr: stdout holds the report. */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

const openClients = new Set<pg.Client>();
let created = false;
let dropping: Promise<void> | null = null;

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  openClients.add(client);
  return client;
}

export async function close(client: pg.Client): Promise<void> {
  openClients.delete(client);
  await client.end().catch(() => undefined);
}

export async function createDatabase(): Promise<void> {
  const admin = await connect(SERVER_URL);
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(DB_NAME)} WITH (FORCE)`);
    // Marked before it exists: an interrupt during CREATE must still drop it (IF EXISTS).
    created = true;
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(DB_NAME)}`);
  } finally {
    await close(admin);
  }
}

/** Closes our connections and drops the database (FORCE ends the build's sessions too). Idempotent. */
export function dropDatabase(): Promise<void> {
  dropping ??= (async () => {
    await Promise.all([...openClients].map(close));
    if (!created) return;
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(DB_NAME)} WITH (FORCE)`);
      log(`dropped database ${DB_NAME}`);
    } finally {
      await admin.end().catch(() => undefined);
    }
  })();
  return dropping;
}

let interrupted = false;

/** Whether SIGINT or SIGTERM stopped the run (the build's sessions then fail, as expected). */
export function wasInterrupted(): boolean {
  return interrupted;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    log(`\n${signal}: dropping ${DB_NAME} …`);
    dropDatabase()
      .catch((error: unknown) => log(`could not drop ${DB_NAME}: ${String(error)}`))
      .finally(() => process.exit(130));
  });
}
