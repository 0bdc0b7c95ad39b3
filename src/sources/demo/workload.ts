/**
 * A synthetic but plausible history for the demo application, so that the audit has real
 * statistics to show: row counts, sizes, index scans and, above all, how write-heavy the log
 * tables are compared with the rest.
 *
 * Everything is derived from generate_series numbers and a fixed clock (no random(), no now()),
 * so every build holds the same rows, gets the same plans and prints the same audit.
 */
import type { PGlite } from '@electric-sql/pglite';
import { DEMO_SIZES, READ_QUERIES } from './queries.js';

/** The application's "now": the seed audit's date. Fixed so timestamps and time ranges repeat. */
const NOW = `TIMESTAMPTZ '2025-11-22 00:00:00+00'`;

/** When the demo's synthetic history begins (390 days before its now): since when its statistics count. */
export const DEMO_HISTORY_START = '2024-10-28T00:00:00.000Z';

const USERS = DEMO_SIZES.users;
const DATASETS = 600;
const HPO_CAMPAIGNS = 200;
const EXPERIMENTS = 1500;
const API_KEYS = DEMO_SIZES.apiKeys;
const WEBHOOK_CONFIGURATIONS = DEMO_SIZES.webhookConfigurations;
const SAVED_SEARCHES = 400;

/** Log tables are written in this many batches, as an application appends to them over time. */
const BATCHES = 10;
const API_REQUESTS_PER_BATCH = 2000;
const EMAILS_PER_BATCH = 1200;
const WEBHOOK_CALLS_PER_BATCH = 1000;
const TRAINING_RUNS_PER_BATCH = 1000;

const EVENT_TYPES = `ARRAY['experiment_completed','experiment_failed','hpo_completed','weekly_digest','security_alert']`;

/** `ARRAY[...]` picker: the i-th element, cycling, for SQL integer expression `i`. */
function pick(array: string, i: string, length: number): string {
  return `(${array})[1 + (${i}) % ${length}]`;
}

const TRANSACTIONAL_DATA_SQL = `
INSERT INTO users (email, username, hashed_password, role, is_active, created_at)
SELECT 'user' || g || '@example.com', 'user' || g, md5('password-' || g),
       CASE WHEN g % 50 = 0 THEN 'admin' ELSE 'member' END, g % 17 <> 0,
       ${NOW} - INTERVAL '400 days' + g * INTERVAL '1 day'
FROM generate_series(1, ${USERS}) AS g;

INSERT INTO datasets (user_id, name, file_path, file_format, row_count, size_bytes, is_public, created_at)
SELECT 1 + (g * 7) % ${USERS}, 'dataset-' || g, 's3://ml-data/raw/' || g || '.parquet',
       ${pick(`ARRAY['parquet','csv','jsonl']`, 'g', 3)}, 1000 + (g * 7919) % 500000, 4096 + (g * 104729) % 900000000,
       g % 9 = 0, ${NOW} - INTERVAL '300 days' + g * INTERVAL '11 hours'
FROM generate_series(1, ${DATASETS}) AS g;

INSERT INTO hpo_campaigns (user_id, dataset_id, name, status, search_space, n_trials, best_score, created_at, completed_at)
SELECT 1 + (g * 13) % ${USERS}, 1 + (g * 3) % ${DATASETS}, 'campaign-' || g,
       ${pick(`ARRAY['completed','completed','running','failed','pending']`, 'g', 5)},
       jsonb_build_object('lr', jsonb_build_array(0.0001, 0.1), 'depth', jsonb_build_array(2, 12)),
       20 + g % 80, 0.5 + (g % 50) / 100.0, ${NOW} - INTERVAL '200 days' + g * INTERVAL '1 day', NULL
FROM generate_series(1, ${HPO_CAMPAIGNS}) AS g;

INSERT INTO experiments (user_id, dataset_id, hpo_campaign_id, name, status, model_type, hyperparameters, created_by, created_at)
SELECT 1 + (g * 31) % ${USERS}, 1 + (g * 11) % ${DATASETS}, CASE WHEN g % 3 = 0 THEN 1 + (g / 3) % ${HPO_CAMPAIGNS} END,
       'experiment-' || g,
       ${pick(`ARRAY['completed','completed','completed','running','failed','queued','cancelled']`, 'g', 7)},
       ${pick(`ARRAY['xgboost','random_forest','mlp','resnet18','logistic_regression']`, 'g * 3', 5)},
       jsonb_build_object('learning_rate', 0.001 * (1 + g % 10), 'epochs', 10 + g % 40),
       'user' || (1 + (g * 31) % ${USERS}), ${NOW} - INTERVAL '180 days' + g * INTERVAL '2 hours'
FROM generate_series(1, ${EXPERIMENTS}) AS g;

INSERT INTO api_keys (user_id, name, key_prefix, key_hash, is_active, expires_at, created_at)
SELECT 1 + (g * 7) % ${USERS}, 'key-' || g, substr(md5('prefix-' || g), 1, 8),
       md5('api-key-' || g) || md5('salt-' || g), g % 4 <> 0,
       ${NOW} + INTERVAL '365 days', ${NOW} - INTERVAL '250 days' + g * INTERVAL '13 hours'
FROM generate_series(1, ${API_KEYS}) AS g;

INSERT INTO webhook_configurations (user_id, provider_type, webhook_url, secret, events, is_active, failure_count, created_at)
SELECT 1 + (g * 19) % ${USERS}, ${pick(`ARRAY['slack','teams','discord','generic']`, 'g', 4)},
       'https://hooks.example.com/services/' || md5('hook-' || g), md5('secret-' || g),
       jsonb_build_array('experiment_completed', 'hpo_completed'), g % 5 <> 0, 0,
       ${NOW} - INTERVAL '220 days' + g * INTERVAL '20 hours'
FROM generate_series(1, ${WEBHOOK_CONFIGURATIONS}) AS g;

-- Not every user has saved every preference: the missing ones fall back to defaults.
INSERT INTO notification_preferences (user_id, event_type, email_enabled, in_app_enabled, webhook_enabled, created_at)
SELECT u, ${pick(EVENT_TYPES, 'e', 5)}, (u + e) % 3 <> 0, TRUE, (u * e) % 4 = 0,
       ${NOW} - INTERVAL '390 days' + u * INTERVAL '1 day'
FROM generate_series(1, ${USERS}) AS u, generate_series(0, 4) AS e
WHERE (u + e) % 6 <> 0;

-- Two different tags per experiment (offsets 0 and 1..11 of twelve), a third for every fifth.
INSERT INTO experiment_tags (experiment_id, tag, created_at)
SELECT e, ${pick(`ARRAY['baseline','production','ablation','tuned','nlp','vision','tabular','gpu','cpu','draft','benchmark','archived']`, 'e + k * (1 + e % 11)', 12)},
       ${NOW} - INTERVAL '180 days' + e * INTERVAL '2 hours'
FROM generate_series(1, ${EXPERIMENTS}) AS e, generate_series(0, 2) AS k
WHERE k < 2 OR (e % 5 = 0 AND (2 * (1 + e % 11)) % 12 <> 0);

INSERT INTO saved_searches (user_id, name, search_type, query, is_default, created_at)
SELECT 1 + (g * 23) % ${USERS}, 'search-' || g, ${pick(`ARRAY['experiments','datasets','runs']`, 'g', 3)},
       jsonb_build_object('status', 'completed', 'page_size', 25), g % 10 = 0,
       ${NOW} - INTERVAL '150 days' + g * INTERVAL '7 hours'
FROM generate_series(1, ${SAVED_SEARCHES}) AS g;
`;

/** The statements that append batch `b` (0-based) to the log tables and then settle it. */
function logBatchSql(b: number): string {
  const range = (perBatch: number): string => `generate_series(${b * perBatch + 1}, ${(b + 1) * perBatch})`;
  return `
-- Client retries reuse their request id (every 250th request), which is why a unique index fails later.
INSERT INTO api_request_logs (request_id, user_id, api_key_id, method, endpoint, status_code, response_time_ms, ip_address, user_agent, created_at)
SELECT md5('request-' || CASE WHEN g % 250 = 0 THEN g - 1 ELSE g END)::uuid::text,
       CASE WHEN g % 20 <> 0 THEN 1 + (g * 37) % ${USERS} END, CASE WHEN g % 3 = 0 THEN 1 + (g * 41) % ${API_KEYS} END,
       ${pick(`ARRAY['GET','GET','GET','POST','PUT','DELETE']`, 'g', 6)},
       '/api/v1/' || ${pick(`ARRAY['experiments','datasets','hpo/campaigns','training-runs','users']`, 'g', 5)} || '/' || (g * 7919) % 6000,
       CASE WHEN g % 50 = 0 THEN 500 WHEN g % 20 = 0 THEN 404 WHEN g % 9 = 0 THEN 201 ELSE 200 END,
       5 + ((g * 7919) % 1000) / 10.0, '10.0.' || g % 256 || '.' || (g * 7) % 256,
       ${pick(`ARRAY['python-requests/2.31.0','Mozilla/5.0 (X11; Linux x86_64)','dash-client/1.4']`, 'g', 3)},
       ${NOW} - INTERVAL '30 days' + g * INTERVAL '120 seconds'
FROM ${range(API_REQUESTS_PER_BATCH)} AS g;

INSERT INTO email_logs (user_id, recipient_email, event_type, subject, status, created_at)
SELECT CASE WHEN g % 50 <> 0 THEN 1 + (g * 43) % ${USERS} END, 'user' || 1 + (g * 43) % ${USERS} || '@example.com',
       ${pick(EVENT_TYPES, 'g', 5)}, 'Notification #' || g, 'queued', ${NOW} - INTERVAL '30 days' + g * INTERVAL '200 seconds'
FROM ${range(EMAILS_PER_BATCH)} AS g;

-- The mailer reports back on every queued message.
UPDATE email_logs
SET status = ${pick(`ARRAY['sent','sent','sent','delivered','delivered','failed','bounced']`, 'id', 7)},
    sent_at = created_at + (id % 90) * INTERVAL '1 second',
    error_message = CASE WHEN id % 7 = 5 THEN 'SMTP 451: temporary failure' END
WHERE status = 'queued';

INSERT INTO webhook_logs (webhook_configuration_id, event_type, status, response_status_code, attempt, duration_ms, payload, created_at)
SELECT 1 + (g * 29) % ${WEBHOOK_CONFIGURATIONS}, ${pick(EVENT_TYPES, 'g', 5)},
       CASE WHEN g % 8 = 0 THEN 'failed' ELSE 'success' END, CASE WHEN g % 8 = 0 THEN 502 ELSE 200 END,
       1, 40 + (g * 31) % 900, jsonb_build_object('event_id', g), ${NOW} - INTERVAL '30 days' + g * INTERVAL '240 seconds'
FROM ${range(WEBHOOK_CALLS_PER_BATCH)} AS g;

-- The retry worker: half of the failures succeed on the second attempt.
UPDATE webhook_logs
SET attempt = 2, status = CASE WHEN id % 16 = 0 THEN 'success' ELSE 'failed' END,
    response_status_code = CASE WHEN id % 16 = 0 THEN 200 ELSE 502 END
WHERE status = 'failed' AND attempt = 1;

INSERT INTO training_runs (experiment_id, run_number, status, epochs, started_at, created_at)
SELECT 1 + (g * 7) % ${EXPERIMENTS}, 1 + (g - 1) / ${EXPERIMENTS}, 'running', 10 + g % 40,
       ${NOW} - INTERVAL '30 days' + g * INTERVAL '240 seconds', ${NOW} - INTERVAL '30 days' + g * INTERVAL '240 seconds'
FROM ${range(TRAINING_RUNS_PER_BATCH)} AS g;

-- Workers report each run's outcome and metrics when it ends.
UPDATE training_runs
SET status = CASE WHEN id % 11 = 0 THEN 'failed' ELSE 'completed' END,
    train_loss = 0.05 + (id % 97) / 200.0, val_loss = 0.08 + (id % 89) / 180.0,
    metrics = jsonb_build_object('accuracy', 0.6 + (id % 39) / 100.0, 'f1', 0.55 + (id % 41) / 100.0),
    finished_at = started_at + (5 + id % 120) * INTERVAL '1 minute'
WHERE status = 'running';
`;
}

/** The rest of the period: activity on the transactional tables, retention jobs, deletions by users. */
const MAINTENANCE_SQL = `
UPDATE users SET last_login_at = ${NOW} - (id % 30) * INTERVAL '1 day' WHERE id % 3 <> 0;
UPDATE api_keys SET last_used_at = ${NOW} - (id % 10) * INTERVAL '1 hour' WHERE is_active;
UPDATE experiments SET status = 'completed', updated_at = ${NOW} - INTERVAL '1 day' WHERE status = 'running' AND id % 4 = 0;
UPDATE hpo_campaigns SET completed_at = created_at + INTERVAL '3 days' WHERE status = 'completed';
-- Users change their notification settings now and then: preferences are edited, not appended.
UPDATE notification_preferences SET email_enabled = NOT email_enabled WHERE (user_id * 7 + id) % 11 = 0;

-- Retention jobs: keep four weeks of request logs, drop old bounces and old successful deliveries.
DELETE FROM api_request_logs WHERE created_at < ${NOW} - INTERVAL '27 days';
DELETE FROM email_logs WHERE status = 'bounced' AND created_at < ${NOW} - INTERVAL '20 days';
DELETE FROM webhook_logs WHERE status = 'success' AND created_at < ${NOW} - INTERVAL '28 days';

-- Users delete a few experiments and webhooks; each delete cascades into a table whose
-- foreign-key column has no index, so PostgreSQL scans that whole table once per deleted row.
DELETE FROM experiments WHERE id % 100 = 0;
DELETE FROM webhook_configurations WHERE id % 50 = 0;
`;

/**
 * Fills the database: the transactional tables once, the log tables in batches with the
 * updates and deletes that follow them, then ANALYZE.
 */
export async function runWriteWorkload(db: PGlite): Promise<void> {
  await db.exec(TRANSACTIONAL_DATA_SQL);
  for (let b = 0; b < BATCHES; b++) await db.exec(logBatchSql(b));
  await db.exec(MAINTENANCE_SQL);
  // Write counters reach the shared statistics at most once a second, and ANALYZE resets
  // n_live_tup/n_dead_tup; counts still pending after it would be added on top, by timing.
  await flushStatistics(db);
  // ANALYZE samples 300 × default_statistics_target (100) rows; every table holds fewer live rows
  // than that, so the sample is the whole table and the statistics (and with them every plan the
  // read workload gets) do not depend on ANALYZE's random choice of rows.
  await db.exec('ANALYZE');
}

/** Sends the read traffic, each query with its own parameters, as the application would. */
export async function runReadWorkload(db: PGlite): Promise<void> {
  for (const query of READ_QUERIES) {
    for (let i = 0; i < query.times; i++) await db.query(query.sql, query.params(i));
  }
}

/** Makes this session's counters visible in pg_stat_user_tables and pg_stat_user_indexes now. */
export async function flushStatistics(db: PGlite): Promise<void> {
  await db.query('SELECT pg_stat_force_next_flush()');
}
