import { describe, expect, test } from 'vitest';
import { readWorkload } from '../../src/workload/read.js';
import { SHOP } from './model.js';

describe('query text', () => {
  test('statements split by the lexer, weighted by -- calls, merged by fingerprint', async () => {
    const workload = await readWorkload({
      model: SHOP,
      queryText: `
-- the login lookup
-- calls: 120
SELECT id FROM users WHERE email = 'a;b@example.com';
/* the same statement with another constant */
-- calls: 30
select id from users where email = 'c@example.com';
SELECT * FROM orders WHERE user_id = 7 ORDER BY created_at DESC LIMIT 20;
SELEC broken FROM;
BEGIN;
SELECT c.relname FROM pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace;
`,
    });
    expect(workload.queries).toHaveLength(2);
    const login = workload.queries.find((q) => q.tables.some((t) => t.table === 'users'));
    expect(login?.calls).toBe(150);
    expect(login?.text).toBe('SELECT id FROM users WHERE email = $1');
    expect(login?.example).toBe("SELECT id FROM users WHERE email = 'a;b@example.com'");
    expect(login?.sources).toEqual(['file']);
    const orders = workload.queries.find((q) => q.tables.some((t) => t.table === 'orders'));
    expect(orders?.calls).toBeNull();
    expect(orders?.limit).toBe(20);
    expect(workload.unparsed).toHaveLength(1);
    expect(workload.unparsed[0]?.location).toBe('queries:9');
    expect(workload.unparsed[0]?.error).toMatch(/syntax error/);
    expect(workload.notes.join('\n')).toMatch(/1 transaction-control/);
    expect(workload.notes.join('\n')).toMatch(/1 statement on the system catalogs only \(monitoring, tools\) left out/);
  });

  test('queries on tables whose names differ only in digits stay apart (the bare libpg-query fingerprint merges them)', async () => {
    const workload = await readWorkload({
      model: SHOP,
      queryText: `
SELECT * FROM stage1 WHERE id = 1;
SELECT * FROM stage2 WHERE id = 2;
SELECT * FROM s1.stage WHERE id = 3;
SELECT * FROM s2.stage WHERE id = 4;
select * from stage2 where id = 5;
`,
    });
    expect(workload.queries.map((q) => q.text).sort()).toEqual([
      'SELECT * FROM s1.stage WHERE id = $1',
      'SELECT * FROM s2.stage WHERE id = $1',
      'SELECT * FROM stage1 WHERE id = $1',
      'SELECT * FROM stage2 WHERE id = $1',
    ]);
    expect(new Set(workload.queries.map((q) => q.fingerprint)).size).toBe(4);
    expect(workload.queries.every((q) => /^[0-9a-f]{16}$/.test(q.fingerprint))).toBe(true);
  });
});
