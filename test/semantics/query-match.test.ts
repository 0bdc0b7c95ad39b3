import { beforeAll, describe, expect, test } from 'vitest';
import { analyzeStatement } from '../../src/sql/analyze.js';
import { loadParser, parseStatements } from '../../src/sql/ast.js';
import { indexCandidates, matchIndex } from '../../src/semantics/query-match.js';
import { predicateImpliedBy } from '../../src/semantics/predicate-implication.js';
import { modelTables } from '../../src/sql/resolve.js';
import type { Index } from '../../src/model/types.js';
import type { ColumnUseGroup, QueryPattern } from '../../src/model/workload.js';
import { SHOP, index, key } from '../workload/model.js';

beforeAll(loadParser);

/** The first AND-group of the query on the table. */
function group(sql: string, table = 'orders'): ColumnUseGroup {
  const [statement] = parseStatements(sql);
  const found = analyzeStatement(statement?.node, modelTables(SHOP)).groups.find((g) => g.table.table === table);
  if (!found) throw new Error(`no group on ${table} in ${sql}`);
  return found;
}

function match(sql: string, idx: Index) {
  const { usableKeys, equalityKeys, usesOrder, predicateImplied, serves } = matchIndex(group(sql, idx.table), idx);
  return { usableKeys, equalityKeys, usesOrder, predicateImplied, serves };
}

describe('B-tree left-prefix rules', () => {
  const composite = index('orders_user_status', 'orders', ['user_id', 'status', 'created_at']);

  test('equalities on leading keys, then one range', () => {
    expect(match("SELECT * FROM orders WHERE user_id = 1 AND status = 'a' AND created_at > $1", composite)).toMatchObject({
      usableKeys: 3,
      equalityKeys: 2,
      serves: true,
    });
    expect(match('SELECT * FROM orders WHERE user_id = 1 AND created_at > $1', composite)).toMatchObject({
      usableKeys: 1,
      equalityKeys: 1,
    });
    expect(match("SELECT * FROM orders WHERE user_id > 1 AND status = 'a'", composite)).toMatchObject({ usableKeys: 1, equalityKeys: 0 });
  });

  test('a query on a later key alone cannot use the index', () => {
    expect(match("SELECT * FROM orders WHERE status = 'a'", composite)).toMatchObject({ usableKeys: 0, serves: false });
  });

  test('IN and IS NULL count as equality; join keys too', () => {
    expect(match('SELECT * FROM orders WHERE user_id IN (1, 2) AND status IS NULL', composite)).toMatchObject({
      usableKeys: 2,
      equalityKeys: 2,
    });
    expect(match('SELECT * FROM users u JOIN orders o ON o.user_id = u.id', composite)).toMatchObject({ usableKeys: 1 });
    expect(
      matchIndex(group('SELECT * FROM users u JOIN orders o ON o.user_id = u.id'), composite, { joinsAsEquality: false }).usableKeys,
    ).toBe(0);
  });

  test('ORDER BY after equality-fixed keys, forward or backward, but not mixed directions', () => {
    const byDate = index('orders_user_created', 'orders', ['user_id', 'created_at']);
    expect(match('SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 10', byDate)).toMatchObject({
      usableKeys: 1,
      usesOrder: true,
    });
    expect(match('SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at', byDate)).toMatchObject({ usesOrder: true });
    expect(match('SELECT * FROM orders ORDER BY user_id, created_at DESC', byDate)).toMatchObject({ usesOrder: false, serves: false });
    expect(match('SELECT * FROM orders ORDER BY user_id DESC, created_at DESC LIMIT 5', byDate)).toMatchObject({
      usableKeys: 0,
      usesOrder: true,
      serves: true,
    });
    expect(match('SELECT * FROM orders WHERE user_id IN (1, 2) ORDER BY created_at', byDate)).toMatchObject({ usesOrder: false });
    expect(match('SELECT * FROM orders ORDER BY created_at', byDate)).toMatchObject({ usesOrder: false });
  });

  test('NULLS placement must match the key (or its reverse)', () => {
    const descNullsLast = index('orders_created_desc', 'orders', [key('created_at', { descending: true, nullsFirst: false })]);
    expect(match('SELECT * FROM orders ORDER BY created_at DESC NULLS LAST', descNullsLast).usesOrder).toBe(true);
    expect(match('SELECT * FROM orders ORDER BY created_at ASC NULLS FIRST', descNullsLast).usesOrder).toBe(true);
    expect(match('SELECT * FROM orders ORDER BY created_at DESC', descNullsLast).usesOrder).toBe(false);
  });

  test('LIKE prefix needs a pattern operator class', () => {
    const plain = index('users_email', 'users', ['email']);
    const pattern = index('users_email_pattern', 'users', [key('email', { opclass: 'pg_catalog.text_pattern_ops' })]);
    expect(match("SELECT * FROM users WHERE email LIKE 'bob%'", plain).usableKeys).toBe(0);
    expect(match("SELECT * FROM users WHERE email LIKE 'bob%'", pattern).usableKeys).toBe(1);
  });

  test('an invalid index serves nothing', () => {
    expect(match('SELECT * FROM orders WHERE user_id = 1', index('bad', 'orders', ['user_id'], { valid: false })).serves).toBe(false);
  });

  test('hash indexes serve equality on their key only', () => {
    const hash = index('orders_user_hash', 'orders', ['user_id'], { method: 'hash' });
    expect(match('SELECT * FROM orders WHERE user_id = 1', hash).usableKeys).toBe(1);
    expect(match('SELECT * FROM orders WHERE user_id > 1', hash).usableKeys).toBe(0);
    expect(match('SELECT * FROM orders ORDER BY user_id LIMIT 1', hash).usesOrder).toBe(false);
  });
});

describe('expression keys', () => {
  test('match the same expression however it is qualified or cast', () => {
    const lowerEmail = index('users_lower_email', 'users', [key('lower((email)::text)', { expression: true })]);
    expect(match('SELECT * FROM users u WHERE lower(u.email) = lower($1)', lowerEmail)).toMatchObject({ usableKeys: 1, serves: true });
    expect(match('SELECT * FROM users WHERE email = $1', lowerEmail).usableKeys).toBe(0);
    expect(match('SELECT * FROM users WHERE upper(email) = $1', lowerEmail).usableKeys).toBe(0);
  });

  test('a plain key does not serve an expression on its column', () => {
    expect(match('SELECT * FROM users WHERE lower(email) = $1', index('users_email', 'users', ['email'])).usableKeys).toBe(0);
  });

  test('date_trunc and casts', () => {
    const day = index('orders_day', 'orders', [key("date_trunc('day'::text, created_at)", { expression: true })]);
    expect(match("SELECT * FROM orders WHERE date_trunc('day', created_at) = $1", day).usableKeys).toBe(1);
  });
});

describe('partial-index predicates', () => {
  const cases: [string, string, boolean][] = [
    ['deleted_at IS NULL', 'SELECT * FROM orders WHERE user_id = 1 AND deleted_at IS NULL', true],
    ['deleted_at IS NULL', 'SELECT * FROM orders WHERE user_id = 1', false],
    ['user_id IS NOT NULL', 'SELECT * FROM orders WHERE user_id = 1', true],
    ["(status = 'open'::text)", "SELECT * FROM orders WHERE status = 'open' AND user_id = 1", true],
    ["(status = 'open'::text)", "SELECT * FROM orders WHERE status = 'closed'", false],
    ["(status = 'open'::text)", 'SELECT * FROM orders WHERE status = $1', false],
    ["(status = ANY (ARRAY['open'::text, 'new'::text]))", "SELECT * FROM orders WHERE status = 'new'", true],
    ["(status = ANY (ARRAY['open'::text, 'new'::text]))", "SELECT * FROM orders WHERE status IN ('new', 'open')", true],
    ["(status = ANY (ARRAY['open'::text, 'new'::text]))", "SELECT * FROM orders WHERE status IN ('new', 'gone')", false],
    ['(total > 100)', 'SELECT * FROM orders WHERE total > 500', true],
    ['(total > 100)', 'SELECT * FROM orders WHERE total >= 100', false],
    ['(total > 100)', 'SELECT * FROM orders WHERE total = 150', true],
    ["(created_at >= '2024-01-01 00:00:00+00'::timestamp with time zone)", "SELECT * FROM orders WHERE created_at >= '2025-03-01'", true],
    ['((deleted_at IS NULL) AND (total > 0))', 'SELECT * FROM orders WHERE deleted_at IS NULL AND total > 10', true],
    ['((deleted_at IS NULL) AND (total > 0))', 'SELECT * FROM orders WHERE deleted_at IS NULL', false],
    ["((status = 'a'::text) OR (status = 'b'::text))", "SELECT * FROM orders WHERE status = 'b'", true],
  ];
  test.each(cases)('%s implied by %s: %s', (predicate, sql, expected) => {
    expect(predicateImpliedBy(predicate, group(sql).conditions)).toBe(expected);
  });

  test('booleans: a bare column, NOT, = true', () => {
    const active = index('users_active_email', 'users', ['email'], { predicate: 'is_active' });
    expect(match('SELECT * FROM users WHERE email = $1 AND is_active', active)).toMatchObject({ predicateImplied: true, serves: true });
    expect(match('SELECT * FROM users WHERE email = $1 AND is_active = true', active).predicateImplied).toBe(true);
    expect(match('SELECT * FROM users WHERE email = $1', active)).toMatchObject({ predicateImplied: false, serves: false });
    expect(predicateImpliedBy('(NOT is_active)', group('SELECT * FROM users WHERE NOT is_active', 'users').conditions)).toBe(true);
  });

  test('a predicate the analysis does not understand is never assumed implied', () => {
    expect(predicateImpliedBy("(status <> 'x'::text)", group("SELECT * FROM orders WHERE status = 'y'").conditions)).toBe(false);
  });
});

describe('indexCandidates', () => {
  test('the indexes of the table that could serve some group, best first', () => {
    const indexes = [
      index('orders_user', 'orders', ['user_id']),
      index('orders_user_created', 'orders', ['user_id', 'created_at']),
      index('orders_status', 'orders', ['status']),
      index('users_pkey', 'users', ['id']),
      index('users_org', 'users', ['org_id']),
    ];
    const [statement] = parseStatements(
      'SELECT * FROM orders o JOIN users u ON u.id = o.user_id WHERE o.user_id = $1 ORDER BY o.created_at DESC LIMIT 10',
    );
    const analysis = analyzeStatement(statement?.node, modelTables(SHOP));
    const query = {
      ...analysis,
      fingerprint: 'x',
      text: '',
      example: null,
      sources: ['file'],
      calls: null,
      totalMs: null,
      meanMs: null,
      rows: null,
      sharedBlocksHit: null,
      sharedBlocksRead: null,
    } satisfies QueryPattern;
    expect(indexCandidates(query, indexes).map((c) => `${c.index.name}:${c.match.usableKeys}${c.match.usesOrder ? '+order' : ''}`)).toEqual(
      ['orders_user_created:1+order', 'orders_user:1', 'users_pkey:1'],
    );
  });
});
