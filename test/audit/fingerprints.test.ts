/**
 * Stable fingerprints and baselines on the local PostgreSQL server: the same problem keeps its
 * fingerprint across runs and across unrelated changes of the schema (another table, another
 * index, a proposed index that has to take another name), and `--baseline` reports, counts and
 * fails on only what is new.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { runAuditCommand } from '../../src/cli/audit-command.js';
import { reporters } from '../../src/report/index.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';
import { sink } from '../plan/support.js';

let database: TestDatabase;
let work: string;

const SCHEMA = `
CREATE SCHEMA fp;
CREATE TABLE fp.users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE fp.orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES fp.users, status text NOT NULL);
CREATE INDEX orders_status_a ON fp.orders (status);
CREATE INDEX orders_status_b ON fp.orders (status);`;

beforeAll(async () => {
  database = await createServerDatabase();
  await database.exec(SCHEMA);
  work = await mkdtemp(join(tmpdir(), 'dbdoctor-fingerprints-'));
});
afterAll(async () => {
  await database?.close();
});

async function fingerprints(): Promise<Map<string, string>> {
  const result = await auditPostgres(database.db, { kind: 'postgres', name: 'test' }, { schemas: ['fp'] });
  return new Map(result.findings.map((f) => [`${f.rule} ${f.index ?? f.constraint ?? f.table}`, f.fingerprint!]));
}

test('every finding has a fingerprint, the same in two runs, and different for different problems', async () => {
  const first = await fingerprints();
  const second = await fingerprints();
  expect(first.size).toBeGreaterThan(0);
  expect([...first.values()].every((f) => /^[0-9a-f]{32}$/.test(f))).toBe(true);
  expect(second).toEqual(first);
  expect(new Set(first.values()).size).toBe(first.size);
});

test('an unrelated change of the schema leaves the earlier fingerprints as they were', async () => {
  const before = await fingerprints();
  // Another table, and a relation that takes the name the unindexed foreign key's index would have had.
  await database.exec(`
    CREATE TABLE fp.audit_trail (id bigint PRIMARY KEY, note text);
    CREATE INDEX audit_trail_note_idx ON fp.audit_trail (note);
    CREATE SEQUENCE fp.orders_user_id_idx;`);
  const after = await fingerprints();
  for (const [key, fingerprint] of before) expect(after.get(key), key).toBe(fingerprint);
  await database.exec('DROP TABLE fp.audit_trail; DROP SEQUENCE fp.orders_user_id_idx;');
});

test('--baseline: only what is new is reported, counted and fails the audit', async () => {
  const baselineFile = join(work, 'baseline.json');
  const first = sink();
  expect(await runAuditCommand(database.url!, { format: 'json', schema: ['fp'], failOn: 'none' }, { stdout: first, env: {} })).toBe(0);
  await writeFile(baselineFile, first.text());
  const known = (JSON.parse(first.text()) as { findings: unknown[] }).findings.length;

  const unchanged = sink();
  const code = await runAuditCommand(
    database.url!,
    { format: 'json', schema: ['fp'], failOn: 'low', baseline: baselineFile },
    { stdout: unchanged, env: {} },
  );
  const quiet = JSON.parse(unchanged.text()) as { findings: unknown[]; summary: { findings: number; baseline: { known: number } } };
  expect(quiet.findings).toEqual([]);
  expect(quiet.summary.findings).toBe(0);
  expect(quiet.summary.baseline.known).toBe(known);
  expect(code).toBe(0);

  await database.exec('CREATE INDEX users_email_a ON fp.users (email); CREATE INDEX users_email_b ON fp.users (email);');
  const grown = sink();
  const failing = await runAuditCommand(
    database.url!,
    { format: 'json', schema: ['fp'], failOn: 'critical', baseline: baselineFile },
    { stdout: grown, env: {} },
  );
  const report = JSON.parse(grown.text()) as {
    findings: { rule: string; index?: string }[];
    summary: { findings: number; bySeverity: { critical: number } };
  };
  // The two new indexes: one a duplicate, and (as every index of a fresh database) both unused so far.
  expect(report.findings.map((f) => [f.rule, f.index]).sort()).toEqual([
    ['duplicate-index', 'users_email_b'],
    ['unused-index', 'users_email_a'],
    ['unused-index', 'users_email_b'],
  ]);
  expect(report.summary).toMatchObject({ findings: 3, bySeverity: { critical: 1 } });
  expect(failing).toBe(1);
  await database.exec('DROP INDEX fp.users_email_a, fp.users_email_b;');
});

test('a baseline that is not a dbdoctor JSON report is one clear error', async () => {
  const bad = join(work, 'bad.json');
  await writeFile(bad, JSON.stringify({ hello: 'world' }));
  await expect(runAuditCommand(database.url!, { baseline: bad, failOn: 'none' }, { stdout: sink(), env: {} })).rejects.toThrow(
    /is not a dbdoctor JSON report/,
  );
});

test("the JSON report carries each finding's fingerprint", async () => {
  const result = await auditPostgres(database.db, { kind: 'postgres', name: 'test' }, { schemas: ['fp'] });
  const json = JSON.parse(reporters.json.render(result, { color: false })) as { findings: { fingerprint: string }[] };
  expect(json.findings.every((f) => typeof f.fingerprint === 'string')).toBe(true);
});
