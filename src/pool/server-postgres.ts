import { openPostgresUrl, parsePostgresUrl } from '../dialects/postgres/connect.js';
import type { Queryable } from '../dialects/types.js';
import type { ConnectionGroup, PoolerEvidence, ServerFacts } from './types.js';

interface SettingsRow {
  max_connections: number;
  superuser_reserved: number;
  reserved: number;
  identifier_limit: number;
  idle_session_ms: number | null;
  version: string;
  server_port: number | null;
}

// current_setting(name, true) returns NULL where the setting does not exist (older servers).
const SETTINGS_SQL = `
SELECT current_setting('max_connections')::int AS max_connections,
       current_setting('superuser_reserved_connections')::int AS superuser_reserved,
       coalesce(current_setting('reserved_connections', true), '0')::int AS reserved,
       current_setting('max_identifier_length')::int AS identifier_limit,
       (SELECT setting::bigint FROM pg_settings WHERE name = 'idle_session_timeout') AS idle_session_ms,
       current_setting('server_version') AS version,
       inet_server_port() AS server_port`;

const ACTIVITY_SQL = `
SELECT coalesce(nullif(application_name, ''), '(none)') AS application,
       coalesce(state, 'unknown') AS state,
       count(*)::int AS count
FROM pg_stat_activity
WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
GROUP BY 1, 2
ORDER BY 3 DESC, 1, 2`;

const POOLER_NAMES = /pgbouncer|pgcat|odyssey|pgpool|supavisor|rds.?proxy|pgdog/i;

function isLocal(host: string): boolean {
  return host === '' || host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.startsWith('/') || host.startsWith('%2F');
}

async function detectPooler(
  db: Queryable,
  url: URL,
  serverPort: number | null,
  groups: readonly ConnectionGroup[],
): Promise<PoolerEvidence> {
  const evidence: string[] = [];
  let kind: string | null = null;
  const port = Number(url.port || 5432);
  if (port === 6432) {
    evidence.push("the target uses port 6432, PgBouncer's default");
    kind = 'pgbouncer';
  }
  if (serverPort !== null && serverPort !== port) {
    evidence.push(`the target port ${port} differs from the server's own port ${serverPort}: a proxy or a port mapping sits between`);
    kind ??= 'a proxy';
  }
  // Three separate statements, each its own transaction: a transaction-mode pooler may hand each
  // to a different server connection. The same pid proves nothing (it is usually reused).
  const pids = new Set<number>();
  for (let i = 0; i < 3; i++) {
    const result = await db.query('SELECT pg_backend_pid() AS pid');
    pids.add(Number((result.rows[0] as { pid: number } | undefined)?.pid));
  }
  if (pids.size > 1) {
    evidence.push('consecutive statements ran on different server connections: transaction pooling');
    kind = kind === 'a proxy' || kind === null ? 'pgbouncer' : kind;
  }
  try {
    await db.query('SHOW pool_version');
    evidence.push('SHOW pool_version answered: pgpool-II');
    kind = 'pgpool';
  } catch {
    // Plain PostgreSQL has no such setting.
  }
  const named = groups.filter((g) => POOLER_NAMES.test(g.application)).map((g) => g.application);
  if (named.length > 0) {
    evidence.push(`connections named ${[...new Set(named)].join(', ')}`);
    kind ??= 'a pooler';
  }
  const detected = evidence.some((e) => !e.includes('port mapping'));
  return { detected, kind: detected ? kind : evidence.length > 0 ? 'a proxy (maybe)' : null, evidence };
}

/** Reads connection limits, current connections and pooler evidence from a PostgreSQL server. */
export async function readPostgresServer(target: string, cores: ServerFacts['cores'], localCores: number): Promise<ServerFacts> {
  const url = parsePostgresUrl(target);
  const open = await openPostgresUrl(target);
  try {
    const settings = (await open.db.query(SETTINGS_SQL)).rows[0] as SettingsRow;
    const groups = (await open.db.query(ACTIVITY_SQL)).rows as ConnectionGroup[];
    const pooler = await detectPooler(open.db, url, settings.server_port, groups);
    const idleMs = settings.idle_session_ms === null ? null : Number(settings.idle_session_ms);
    return {
      source: 'server',
      dialect: 'postgresql',
      name: open.info.name,
      version: settings.version,
      maxConnections: settings.max_connections,
      superuserReserved: settings.superuser_reserved,
      reserved: settings.reserved,
      identifierLimit: settings.identifier_limit,
      idleSessionTimeoutS: idleMs === null || idleMs <= 0 ? null : idleMs / 1000,
      connections: groups.map((g) => ({ application: g.application, state: g.state, count: Number(g.count) })),
      pooler,
      cores: cores ?? (isLocal(url.hostname) ? { count: localCores, source: 'local machine' } : null),
    };
  } finally {
    await open.close().catch(() => undefined);
  }
}

/** True when the host names this machine: its core count is then the server's. */
export function isLocalHost(host: string): boolean {
  return isLocal(host);
}
