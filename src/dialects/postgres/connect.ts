import pg from 'pg';
import { UserError } from '../../util/errors.js';
import { displayConnectionString, redactSecrets, secretsOf } from '../../util/credentials.js';
import type { OpenTarget } from '../types.js';

/** The URL as it may be shown: without password or any other secret ({@link displayConnectionString}). */
function displayUrl(url: URL): string {
  return displayConnectionString(url.toString());
}

/** Parses a postgres:// URL, with a clear message for anything else. */
export function parsePostgresUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`not a valid database URL: ${redactSecrets(text)}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new UserError(`unsupported URL scheme "${url.protocol}" (expected postgres://)`);
  }
  return url;
}

/** Connects to a PostgreSQL server; failures become one-line UserErrors without credentials. */
export async function openPostgresUrl(text: string): Promise<OpenTarget> {
  const url = parsePostgresUrl(text);
  const secrets = secretsOf(text);
  const client = new pg.Client({
    connectionString: url.toString(),
    connectionTimeoutMillis: 10_000,
    application_name: 'dbdoctor',
  });
  // An idle client can still emit errors (server restart); without a listener they would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code || 'connection failed' : String(error);
    throw new UserError(redactSecrets(`could not connect to ${displayUrl(url)}: ${reason}`, secrets));
  }
  return {
    db: {
      query: async (sql, params) => {
        try {
          return await client.query(sql, params);
        } catch (error) {
          if (error instanceof Error) error.message = redactSecrets(error.message, secrets);
          throw error;
        }
      },
    },
    info: { kind: 'postgres', name: displayUrl(url) },
    close: () => client.end(),
  };
}
