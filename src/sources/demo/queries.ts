/**
 * The demo application's read queries: what it sends (src/demo/workload.ts replays them with
 * their parameters to give the demo real index statistics), and the same list as a query file,
 * the workload the demo's audit and strategy document analyse.
 */
import { createHash } from 'node:crypto';

/** Row counts of the transactional tables the queries pick parameters from. */
export const DEMO_SIZES = { users: 300, apiKeys: 450, webhookConfigurations: 250 } as const;

/** One kind of query the application sends, with the parameters of each time it sends it. */
export interface ReadQuery {
  readonly sql: string;
  readonly params: (i: number) => unknown[];
  readonly times: number;
}

const STATUSES = ['completed', 'running', 'failed', 'queued'] as const;
const TAGS = ['baseline', 'production', 'ablation', 'tuned', 'nlp', 'vision'] as const;
const EVENTS = ['experiment_completed', 'experiment_failed', 'hpo_completed', 'weekly_digest', 'security_alert'] as const;
const DAY_MS = 86_400_000;
/** NOW, for building query parameters. */
const NOW_MS = Date.UTC(2025, 10, 22);

function userId(i: number): number {
  return 1 + ((i * 37) % DEMO_SIZES.users);
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** The key_hash the write workload stored for API key `1 + (7i mod API_KEYS)`. */
function apiKeyHash(i: number): string {
  const id = 1 + ((i * 7) % DEMO_SIZES.apiKeys);
  return md5(`api-key-${id}`) + md5(`salt-${id}`);
}

/** A one-day window `daysAgo` days before the fixed "now". */
function day(daysAgo: number): [string, string] {
  return [new Date(NOW_MS - daysAgo * DAY_MS).toISOString(), new Date(NOW_MS - (daysAgo - 1) * DAY_MS).toISOString()];
}

/** The application's read traffic: dashboards, logins, API-key checks, log browsing, reports. */
export const READ_QUERIES: readonly ReadQuery[] = [
  { sql: 'SELECT id, hashed_password, is_active FROM users WHERE email = $1', params: (i) => [`user${userId(i)}@example.com`], times: 40 },
  { sql: 'SELECT id, user_id, is_active FROM api_keys WHERE key_hash = $1', params: (i) => [apiKeyHash(i)], times: 40 },
  // The API-keys page lists every key of a user, active or not: nothing reads (user_id, is_active) together.
  { sql: 'SELECT id, name, is_active FROM api_keys WHERE user_id = $1', params: (i) => [userId(i)], times: 20 },
  {
    sql: 'SELECT id, name, status, created_at FROM experiments WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20',
    params: (i) => [userId(i)],
    times: 60,
  },
  { sql: 'SELECT count(*) FROM experiments WHERE user_id = $1 AND status = $2', params: (i) => [userId(i), STATUSES[i % 4]], times: 60 },
  { sql: "SELECT id, name FROM experiments WHERE status = 'running' ORDER BY created_at LIMIT 50", params: () => [], times: 10 },
  {
    sql: `SELECT e.name, r.run_number, r.val_loss FROM experiments e JOIN training_runs r ON r.experiment_id = e.id
          WHERE e.user_id = $1 AND e.status = 'completed' ORDER BY r.val_loss LIMIT 10`,
    params: (i) => [userId(i)],
    times: 20,
  },
  {
    sql: 'SELECT e.id, e.name FROM experiment_tags t JOIN experiments e ON e.id = t.experiment_id WHERE t.tag = $1 LIMIT 100',
    params: (i) => [TAGS[i % TAGS.length]],
    times: 12,
  },
  { sql: 'SELECT id, name, file_format FROM datasets WHERE user_id = $1', params: (i) => [userId(i)], times: 20 },
  { sql: 'SELECT id, name, query FROM saved_searches WHERE user_id = $1', params: (i) => [userId(i)], times: 20 },
  {
    sql: 'SELECT id, name, n_trials FROM hpo_campaigns WHERE user_id = $1 AND status = $2',
    params: (i) => [userId(i), 'running'],
    times: 10,
  },
  {
    sql: 'SELECT email_enabled, in_app_enabled, webhook_enabled FROM notification_preferences WHERE user_id = $1 AND event_type = $2',
    params: (i) => [userId(i), EVENTS[i % EVENTS.length]],
    times: 30,
  },
  // An event goes to every active webhook of its user, whatever the provider.
  {
    sql: 'SELECT id, provider_type, webhook_url FROM webhook_configurations WHERE user_id = $1 AND is_active',
    params: (i) => [userId(i)],
    times: 20,
  },
  {
    sql: 'SELECT status, count(*) FROM email_logs WHERE created_at >= $1 AND created_at < $2 GROUP BY status',
    params: (i) => day(1 + (i % 25)),
    times: 20,
  },
  {
    sql: "SELECT id, subject, error_message FROM email_logs WHERE user_id = $1 AND status = 'failed'",
    params: (i) => [userId(i)],
    times: 20,
  },
  {
    sql: `SELECT endpoint, count(*), avg(response_time_ms) FROM api_request_logs
          WHERE created_at >= $1 AND created_at < $2 GROUP BY endpoint ORDER BY 2 DESC LIMIT 10`,
    params: (i) => day(1 + (i % 25)),
    times: 20,
  },
  {
    sql: 'SELECT method, endpoint, status_code, created_at FROM api_request_logs WHERE user_id = $1 ORDER BY created_at DESC LIMIT 50',
    params: (i) => [userId(i)],
    times: 20,
  },
  {
    sql: 'SELECT event_type, status, count(*) FROM webhook_logs WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2',
    params: (i) => day(1 + (i % 25)),
    times: 10,
  },
  {
    sql: 'SELECT id, status, response_status_code FROM webhook_logs WHERE webhook_configuration_id = $1 ORDER BY created_at DESC LIMIT 20',
    params: (i) => [1 + ((i * 29) % DEMO_SIZES.webhookConfigurations)],
    times: 10,
  },
  {
    sql: 'SELECT status, count(*), avg(val_loss) FROM training_runs WHERE created_at >= $1 AND created_at < $2 GROUP BY status',
    params: (i) => day(1 + (i % 25)),
    times: 10,
  },
];

/**
 * The read queries as a query file: each statement with its `$n` placeholders, weighted by a
 * `-- calls: N` comment with the number of times the demo sends it.
 */
export const DEMO_QUERY_FILE: string =
  READ_QUERIES.map((q) => `-- calls: ${q.times}\n${q.sql.replace(/\s*\n\s*/g, ' ')};`).join('\n\n') + '\n';
