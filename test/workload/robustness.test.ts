import { describe, expect, test } from 'vitest';
import { readWorkload } from '../../src/workload/read.js';
import { SHOP } from './model.js';

/** Statement shapes beyond what the analysis models: each must be counted, never crash. */
const SHAPES = [
  'SELECT u.id, row_number() OVER (PARTITION BY org_id ORDER BY created_at) FROM users u',
  'SELECT * FROM users u CROSS JOIN LATERAL (SELECT * FROM orders o WHERE o.user_id = u.id ORDER BY created_at DESC LIMIT 3) recent',
  'WITH RECURSIVE tree(id, parent) AS (SELECT id, org_id FROM users WHERE id = 1 UNION ALL SELECT u.id, u.org_id FROM users u JOIN tree t ON u.org_id = t.id) SELECT * FROM tree',
  "INSERT INTO users (email) VALUES ('x') ON CONFLICT (email) DO UPDATE SET status = excluded.status RETURNING id",
  "MERGE INTO orders o USING users u ON o.user_id = u.id WHEN MATCHED THEN UPDATE SET status = 'x'",
  'SELECT status, count(*) FROM orders GROUP BY GROUPING SETS ((status), ())',
  "SELECT data->>'k' FROM (VALUES ('{}'::jsonb)) v(data) WHERE data @> '{\"a\":1}'",
  'SELECT * FROM generate_series(1, 10) g JOIN users ON users.id = g',
  'SELECT * FROM users WHERE (org_id, id) > ($1, $2) ORDER BY org_id, id LIMIT 50',
  'SELECT * FROM users WHERE id = ANY(SELECT user_id FROM orders) OR email IS NULL',
  'SELECT CASE WHEN status = $1 THEN 1 ELSE 0 END FROM users WHERE COALESCE(deleted_at, now()) > $2',
  'SELECT * FROM users TABLESAMPLE SYSTEM (10) WHERE status = $1',
  'COPY users TO STDOUT',
  'EXPLAIN ANALYZE SELECT * FROM users',
  'DO $$ BEGIN PERFORM 1; END $$',
  'CREATE INDEX CONCURRENTLY ON orders (user_id)',
  'CALL refresh_stats()',
  'SELECT * FROM users FOR UPDATE SKIP LOCKED',
  'TABLE users',
  'SELECT DISTINCT ON (user_id) * FROM orders ORDER BY user_id, created_at DESC',
  'SELECT * FROM users u WHERE u.id IN (1, 2) AND u.id NOT IN (SELECT user_id FROM orders WHERE status = $1)',
  'SELECT (SELECT count(*) FROM orders o WHERE o.user_id = u.id) FROM users u',
  'UPDATE users SET status = (SELECT status FROM orders WHERE orders.user_id = users.id LIMIT 1) WHERE id = $1',
  'SELECT * FROM users WHERE ' + Array.from({ length: 40 }, (_, i) => `(status = 's${i}' OR org_id = ${i})`).join(' AND '),
];

describe('robustness', () => {
  test('every shape is read without an exception; only what the parser rejects is unparsed', async () => {
    const workload = await readWorkload({ model: SHOP, queryText: [...SHAPES, 'SELECT FROM WHERE', "SELECT 'unterminated"].join(';\n') });
    expect(workload.unparsed.map((u) => u.text)).toEqual(['SELECT FROM WHERE', "SELECT 'unterminated"]);
    expect(workload.queries).toHaveLength(SHAPES.length);
    expect(workload.notes.filter((n) => /not analyzed/.test(n))).toEqual([]);
  });

  test('a statement the lexer rejects is lost alone: the statements around it still count', async () => {
    const workload = await readWorkload({ model: SHOP, queryText: 'SELECT 1;\nSELECT $$never closed;\n\nSELECT 2 FROM users;\n' });
    expect(workload.queries.map((q) => q.text)).toEqual(['SELECT $1', 'SELECT $1 FROM users']);
    expect(workload.unparsed).toEqual([
      expect.objectContaining({
        location: 'queries:2',
        text: 'SELECT $$never closed',
        error: expect.stringMatching(/cannot be tokenized/),
      }),
    ]);
  });

  test('the LATERAL subquery sees its left side; keyset pagination keeps its ORDER BY', async () => {
    const workload = await readWorkload({ model: SHOP, queryText: SHAPES.slice(1, 2).join(';') + ';' + SHAPES[8] });
    const lateral = workload.queries.find((q) => q.text.includes('LATERAL'));
    expect(lateral?.groups.find((g) => g.table.table === 'orders')).toMatchObject({
      conditions: [expect.objectContaining({ column: 'user_id', kind: 'join' })],
      orderBy: [expect.objectContaining({ column: 'created_at', descending: true })],
      limit: 3,
    });
    const keyset = workload.queries.find((q) => q.text.includes('(org_id, id) >'));
    expect(keyset?.groups[0]?.orderBy.map((u) => u.column)).toEqual(['org_id', 'id']);
  });
});
