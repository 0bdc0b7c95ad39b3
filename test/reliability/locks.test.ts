/**
 * Another session's ACCESS EXCLUSIVE lock (DDL, LOCK TABLE) never aborts an audit: audit, fix and
 * docs run to the end while it is held, the locked relation's size is unknown rather than waited
 * for, and the report names it.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { cli, createFaultsDatabase, type FaultsDatabase } from './support.js';

const SCHEMA = `
CREATE TABLE locked_events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL);
CREATE INDEX locked_events_kind_idx ON locked_events (kind);
CREATE INDEX locked_events_kind_at_idx ON locked_events (kind, at);
CREATE TABLE free_orders (id bigint PRIMARY KEY, customer text NOT NULL);
CREATE INDEX free_orders_customer_idx ON free_orders (customer);
INSERT INTO locked_events SELECT g, 'k' || g % 10, now() FROM generate_series(1, 500) g;
INSERT INTO free_orders SELECT g, 'c' || g FROM generate_series(1, 500) g;
ANALYZE;`;

let db: FaultsDatabase;
let holder: pg.Client;
let dir: string;

beforeAll(async () => {
  db = await createFaultsDatabase('locks', SCHEMA);
  holder = await db.connect();
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE locked_events IN ACCESS EXCLUSIVE MODE');
  dir = await mkdtemp(join(tmpdir(), 'faults-locks-'));
});
afterAll(async () => {
  await holder?.query('ROLLBACK').catch(() => undefined);
  await db?.drop();
});

/** The lock is still held by the other session (the runs below did not wait it out). */
async function lockStillHeld(): Promise<void> {
  const { rows } = await db.client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'locked_events'::regclass AND mode = 'AccessExclusiveLock' AND granted AND pid = $1`,
    [(holder as unknown as { processID: number }).processID],
  );
  expect(rows[0]!.n).toBe(1);
}

describe('an ACCESS EXCLUSIVE lock held by another session', () => {
  test('audit finishes; the locked table has no size and the report names it', async () => {
    const run = await cli(['audit', db.url, '--format', 'json', '--fail-on', 'none']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { summary: { limitations: string[] } };
    const line = report.summary.limitations.find((l) => l.startsWith('sizes unknown for '));
    expect(line).toBeDefined();
    expect(line).toContain('public.locked_events');
    // Only the relation the lock is on (LOCK TABLE locks the table, not its indexes).
    expect(line).not.toContain('free_orders');
    const text = await cli(['audit', db.url, '--fail-on', 'none']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('sizes unknown for public.locked_events');
    await lockStillHeld();
  });

  test('the model marks the size unknown rather than guessing it; other relations are measured', async () => {
    const result = await auditPostgres(db.client, { kind: 'postgres', name: 'locks' });
    const table = (name: string) => result.model.tables.find((t) => t.name === name)!;
    expect(table('locked_events').sizeBytes).toBeNull();
    expect(table('free_orders').sizeBytes).toBeGreaterThan(0);
    // The indexes are not locked by LOCK TABLE, so they are measured.
    expect(result.model.indexes.find((i) => i.name === 'locked_events_kind_idx')!.sizeBytes).toBeGreaterThan(0);
  });

  test('fix writes its migration and docs its document', async () => {
    const out = join(dir, 'migration');
    const fix = await cli(['fix', db.url, '--output', out, '--stats-since', '2020-01-01']);
    expect(fix.stderr).toBe('');
    expect([0, 1]).toContain(fix.code);
    expect(await readFile(join(out, 'dbdoctor-plan.json'), 'utf8')).toContain('"version"');
    const doc = join(dir, 'STRATEGY.md');
    const docs = await cli(['docs', db.url, '--output', doc]);
    expect(docs.stderr).toBe('');
    expect(docs.code).toBe(0);
    expect(await readFile(doc, 'utf8')).toContain('locked_events');
    await lockStillHeld();
  });

  test('a lock request waiting in the queue is respected as well', async () => {
    // One session reads free_orders, a second queues for ACCESS EXCLUSIVE behind it: a size
    // measurement now would queue behind that request, and with it every query after it.
    const reader = await db.connect();
    await reader.query('BEGIN');
    await reader.query('LOCK TABLE free_orders IN ACCESS SHARE MODE');
    const waiter = await db.connect();
    await waiter.query('BEGIN');
    const waiting = waiter.query('LOCK TABLE free_orders IN ACCESS EXCLUSIVE MODE');
    for (;;) {
      const { rows } = await db.client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'free_orders'::regclass AND mode = 'AccessExclusiveLock' AND NOT granted`,
      );
      if (rows[0]!.n === 1) break;
    }
    try {
      const run = await cli(['audit', db.url, '--format', 'json', '--fail-on', 'none']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as { summary: { limitations: string[] } };
      expect(report.summary.limitations.find((l) => l.startsWith('sizes unknown for '))).toContain('public.free_orders');
    } finally {
      await reader.query('ROLLBACK');
      await waiting;
      await waiter.query('ROLLBACK');
    }
  });
});
