import mysql from 'mysql2/promise';
import { UserError, redactSecrets } from '../util/errors.js';
import { isLocalHost } from './server-postgres.js';
import type { ConnectionGroup, ServerFacts } from './types.js';

function displayUrl(url: URL): string {
  const shown = new URL(url.toString());
  if (shown.password) shown.password = '***';
  return shown.toString();
}

interface VariablesRow {
  max_connections: number;
  wait_timeout: number;
  version: string;
}

/**
 * Reads connection limits and current connections from MySQL or MariaDB. MySQL lets one more
 * connection in past max_connections for an administrator, so all of max_connections is the budget.
 */
export async function readMysqlServer(target: string, cores: ServerFacts['cores'], localCores: number): Promise<ServerFacts> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UserError(`not a valid database URL: ${redactSecrets(target)}`);
  }
  const secrets = [url.password, decodeURIComponent(url.password)].filter((s) => s.length > 0);
  const shown = displayUrl(url);
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username) || 'root',
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1) || undefined,
      connectTimeout: 10_000,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code || 'connection failed' : String(error);
    throw new UserError(redactSecrets(`could not connect to ${shown}: ${reason}`, secrets));
  }
  connection.on('error', () => undefined);
  try {
    const [variables] = await connection.query(
      'SELECT @@max_connections AS max_connections, @@wait_timeout AS wait_timeout, @@version AS version',
    );
    const row = (variables as VariablesRow[])[0];
    const [activity] = await connection.query(
      `SELECT concat(user, '@', coalesce(db, '(none)')) AS application, lower(command) AS state, count(*) AS count
       FROM information_schema.processlist WHERE id <> connection_id() AND command <> 'Daemon'
       GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`,
    );
    const groups = (activity as ConnectionGroup[]).map((g) => ({
      application: g.application,
      state: g.state === 'sleep' ? 'idle' : g.state,
      count: Number(g.count),
    }));
    const port = Number(url.port || 3306);
    const proxy = port === 6033;
    return {
      source: 'server',
      dialect: 'mysql',
      name: shown,
      version: row?.version,
      maxConnections: Number(row?.max_connections ?? 151),
      superuserReserved: 0,
      reserved: 0,
      identifierLimit: 64,
      idleSessionTimeoutS: row ? Number(row.wait_timeout) : null,
      connections: groups,
      pooler: {
        detected: proxy,
        kind: proxy ? 'proxysql' : null,
        evidence: proxy ? ["the target uses port 6033, ProxySQL's default"] : [],
      },
      cores: cores ?? (isLocalHost(url.hostname) ? { count: localCores, source: 'local machine' } : null),
    };
  } finally {
    await connection.end().catch(() => undefined);
  }
}
