import { beforeAll, describe, expect, test } from 'vitest';
import { analyzeStatement } from '../../src/sql/analyze.js';
import { loadParser, parseStatements } from '../../src/sql/ast.js';
import { modelTables } from '../../src/sql/resolve.js';
import type { ColumnUse, ColumnUseGroup } from '../../src/model/workload.js';
import { SHOP } from './model.js';

const tables = modelTables(SHOP);

function analyze(sql: string) {
  const [statement] = parseStatements(sql);
  return analyzeStatement(statement?.node, tables);
}

/** `column kind[ value]`, `expr kind`, `column join table.column`, `column desc`. */
function use(u: ColumnUse): string {
  const target = u.expression ?? u.column;
  if (u.kind === 'join') return `${target} join ${u.joinedTo?.table.table}.${u.joinedTo?.column}`;
  if (u.kind === 'order-by')
    return `${target} ${u.descending ? 'desc' : 'asc'}${u.nullsFirst !== (u.descending ?? false) ? (u.nullsFirst ? ' nulls first' : ' nulls last') : ''}`;
  if (u.kind === 'group-by') return target;
  return `${target} ${u.kind}${u.value !== undefined ? ` ${u.value}` : ''}`;
}

/** One line per AND-group: `table: conditions | order by … | group by … | limit n`. */
function groups(sql: string): string[] {
  return analyze(sql).groups.map((g: ColumnUseGroup) => {
    const parts = [
      `${g.table.schema === 'public' || g.table.schema === null ? '' : `${g.table.schema}.`}${g.table.table}:${g.conditions.length > 0 ? ' ' : ''}${g.conditions.map(use).join(', ')}`,
    ];
    if (g.orderBy.length > 0) parts.push(`order by ${g.orderBy.map(use).join(', ')}`);
    if (g.groupBy.length > 0) parts.push(`group by ${g.groupBy.map(use).join(', ')}`);
    if (g.limit !== null) parts.push(`limit ${g.limit}`);
    return parts.join(' | ');
  });
}

beforeAll(loadParser);

describe('commands and tables', () => {
  test('select, insert, update, delete, other', () => {
    expect(analyze('SELECT 1').command).toBe('select');
    expect(analyze("INSERT INTO orders (user_id, status) VALUES (1, 'new')")).toMatchObject({
      command: 'insert',
      tablesWritten: [{ schema: 'public', table: 'orders', inModel: true }],
    });
    expect(analyze("UPDATE orders SET status = 'paid' WHERE id = 1").command).toBe('update');
    expect(analyze('DELETE FROM orders WHERE id = 1').command).toBe('delete');
    expect(analyze('VACUUM orders').command).toBe('other');
  });

  test('unqualified names resolve through public; other schemas as written; unknown tables kept as written', () => {
    const result = analyze('SELECT * FROM users u, audit.events e, public.orders, missing m');
    expect(result.tables).toEqual([
      { schema: 'public', table: 'users', inModel: true },
      { schema: 'audit', table: 'events', inModel: true },
      { schema: 'public', table: 'orders', inModel: true },
      { schema: null, table: 'missing', inModel: false },
    ]);
  });

  test('an unqualified name only another schema has resolves to it', () => {
    expect(analyze('SELECT * FROM events WHERE kind = 1').tables).toEqual([{ schema: 'audit', table: 'events', inModel: true }]);
    expect(groups('SELECT * FROM events WHERE kind = 1')).toEqual(['audit.events: kind equality 1']);
  });

  test('tables of CTEs, subqueries and set operations, each once; writes inside data-modifying CTEs', () => {
    const result = analyze(`
      WITH moved AS (DELETE FROM orders WHERE status = 'old' RETURNING *)
      INSERT INTO audit.events (user_id, kind) SELECT user_id, 'moved' FROM moved
      UNION ALL SELECT id, 'x' FROM users WHERE id IN (SELECT user_id FROM orders)`);
    expect(result.tables.map((t) => t.table).sort()).toEqual(['events', 'orders', 'users']);
    expect(result.tablesWritten.map((t) => `${t.schema}.${t.table}`).sort()).toEqual(['audit.events', 'public.orders']);
  });
});

describe('conditions', () => {
  test('equality, range, IN, IS NULL, IS NOT NULL, LIKE prefix, BETWEEN, = ANY, booleans', () => {
    expect(
      groups(`SELECT * FROM users WHERE email = 'a@b.c' AND created_at >= '2024-01-01' AND status IN ('a', 'b')
              AND deleted_at IS NULL AND org_id IS NOT NULL AND email LIKE 'ab%' AND is_active`),
    ).toEqual([
      "users: email equality 'a@b.c', created_at range '2024-01-01', status in 'a', 'b', deleted_at is-null, org_id is-not-null, email like-prefix 'ab%', is_active equality true",
    ]);
    expect(groups('SELECT * FROM orders WHERE total BETWEEN 10 AND 20 AND id = ANY($1) AND NOT (status = $2)')).toEqual([
      'orders: total range 10 AND 20, id in $1',
    ]);
    expect(groups('SELECT * FROM users WHERE NOT is_active AND deleted_at IS NOT NULL')).toEqual([
      'users: is_active equality false, deleted_at is-not-null',
    ]);
  });

  test('row comparisons: equality per column; keyset pagination bounds the leading column', () => {
    expect(groups('SELECT * FROM orders WHERE (user_id, status) = ($1, $2)')).toEqual(['orders: user_id equality $1, status equality $2']);
    expect(groups('SELECT * FROM orders WHERE (created_at, id) < ($1, $2) ORDER BY created_at DESC, id DESC LIMIT 50')).toEqual([
      'orders: created_at range $1 | order by created_at desc, id desc | limit 50',
    ]);
  });

  test('constant on the left flips the operator', () => {
    const [group] = analyze('SELECT * FROM orders WHERE 100 < total').groups;
    expect(group?.conditions[0]).toMatchObject({ column: 'total', kind: 'range', operator: '>', value: '100' });
  });

  test('conditions no index can use add nothing', () => {
    expect(
      groups("SELECT * FROM users WHERE email <> 'x' AND email LIKE '%x' AND email ILIKE 'a%' AND status NOT IN ('a') AND id + org_id = 3"),
    ).toEqual([]);
  });

  test('expressions over one column are expression uses, casts on constants are ignored', () => {
    expect(
      groups("SELECT * FROM users WHERE lower(email) = lower($1) AND created_at::date = '2024-01-01'::date AND status::text = 'x'"),
    ).toEqual(["users: lower(email) equality lower($1), (created_at)::date equality '2024-01-01', status equality 'x'"]);
  });

  test('OR branches are separate AND-groups; shared conditions go into every branch', () => {
    expect(groups("SELECT * FROM users WHERE org_id = 1 AND (status = 'a' OR email = $1)")).toEqual([
      "users: org_id equality 1, status equality 'a'",
      'users: org_id equality 1, email equality $1',
    ]);
    expect(groups('SELECT * FROM users WHERE (org_id = 1 AND status = $1) OR (email = $2)')).toEqual([
      'users: org_id equality 1, status equality $1',
      'users: email equality $2',
    ]);
  });

  test('parameters and scalar subqueries are values', () => {
    expect(groups('SELECT * FROM orders WHERE user_id = $1 AND created_at > (SELECT max(created_at) FROM users)')).toEqual([
      'orders: user_id equality $1, created_at range',
    ]);
  });
});

describe('name resolution', () => {
  test('aliases, qualified and unqualified columns, ambiguous ones left out', () => {
    expect(groups("SELECT * FROM users u JOIN orders o ON o.user_id = u.id WHERE u.status = 'a' AND total > 10 AND status = 'x'")).toEqual([
      "users: id join orders.user_id, status equality 'a'",
      'orders: user_id join users.id, total range 10',
    ]);
  });

  test('schema-qualified column references', () => {
    expect(groups('SELECT * FROM public.users WHERE public.users.org_id = 4')).toEqual(['users: org_id equality 4']);
  });

  test('an unknown table alone in its block takes its unqualified columns; next to known tables it blocks guessing', () => {
    expect(groups('SELECT * FROM missing WHERE a = 1')).toEqual(['missing: a equality 1']);
    expect(groups('SELECT * FROM missing, users WHERE a = 1 AND email = $1')).toEqual([]);
  });

  test('JOIN … USING and LEFT JOIN conditions', () => {
    expect(
      groups(
        "SELECT * FROM orders o JOIN order_items i ON i.order_id = o.id LEFT JOIN products p ON p.id = i.product_id AND p.category = 'x'",
      ),
    ).toEqual([
      'orders: id join order_items.order_id',
      'order_items: order_id join orders.id, product_id join products.id',
      "products: id join order_items.product_id, category equality 'x'",
    ]);
    expect(groups('SELECT * FROM orders JOIN order_items USING (id) WHERE quantity > 2')).toEqual([
      'orders: id join order_items.id',
      'order_items: id join orders.id, quantity range 2',
    ]);
  });

  test("CTE columns resolve to the CTE's own tables, and outer conditions reach them", () => {
    expect(
      groups(
        "WITH recent AS (SELECT id, user_id AS buyer, status FROM orders WHERE created_at > now() - interval '1 day') SELECT * FROM recent r WHERE r.status = 'paid' AND buyer = 3",
      ),
    ).toEqual(["orders: created_at range (now() - '1 day'), status equality 'paid', user_id equality 3"]);
  });

  test('a materialized CTE keeps outer conditions out', () => {
    expect(groups("WITH recent AS MATERIALIZED (SELECT * FROM orders WHERE total > 5) SELECT * FROM recent WHERE status = 'paid'")).toEqual(
      ['orders: total range 5'],
    );
  });

  test('subqueries in FROM: column aliases, SELECT *, pushed-down conditions', () => {
    expect(groups('SELECT * FROM (SELECT * FROM orders WHERE user_id = $1) AS s WHERE s.status = $2')).toEqual([
      'orders: user_id equality $1, status equality $2',
    ]);
    expect(groups('SELECT * FROM (SELECT user_id, count(*) FROM orders GROUP BY user_id) AS t(uid, n) WHERE uid = 5')).toEqual([
      'orders: user_id equality 5 | group by user_id',
    ]);
  });

  test('EXISTS and NOT EXISTS subqueries: correlation keys on both sides', () => {
    expect(groups("SELECT * FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.status = 'open')")).toEqual([
      'users: id join orders.user_id',
      "orders: user_id join users.id, status equality 'open'",
    ]);
    expect(groups('SELECT * FROM users WHERE NOT EXISTS (SELECT FROM orders WHERE orders.user_id = users.id)')).toEqual([
      'users: id join orders.user_id',
      'orders: user_id join users.id',
    ]);
  });

  test("IN (subquery) joins the outer column to the subquery's output", () => {
    expect(groups("SELECT * FROM orders WHERE user_id IN (SELECT id FROM users WHERE status = 'vip')")).toEqual([
      'orders: user_id join users.id',
      "users: status equality 'vip', id join orders.user_id",
    ]);
  });

  test('a self-join keeps the two occurrences apart', () => {
    expect(groups('SELECT * FROM users a JOIN users b ON b.org_id = a.org_id WHERE a.id = 1')).toEqual([
      'users: org_id join users.org_id, id equality 1',
      'users: org_id join users.org_id',
    ]);
  });

  test('UPDATE … FROM and DELETE … USING', () => {
    expect(groups("UPDATE orders o SET status = 'x' FROM users u WHERE u.id = o.user_id AND u.email = $1")).toEqual([
      'orders: user_id join users.id',
      'users: id join orders.user_id, email equality $1',
    ]);
    expect(groups('DELETE FROM order_items i USING orders o WHERE o.id = i.order_id AND o.created_at < $1')).toEqual([
      'order_items: order_id join orders.id',
      'orders: id join order_items.order_id, created_at range $1',
    ]);
  });
});

describe('ORDER BY, GROUP BY, LIMIT', () => {
  test('direction and NULLS placement, with the limit', () => {
    expect(groups('SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT 20')).toEqual([
      'orders: user_id equality $1 | order by created_at desc, id asc | limit 20',
    ]);
    expect(groups('SELECT * FROM orders ORDER BY created_at DESC NULLS LAST LIMIT $1')).toEqual([
      'orders: | order by created_at desc nulls last | limit parameter',
    ]);
  });

  test('ORDER BY a select-list position or alias', () => {
    expect(groups('SELECT created_at AS c, id FROM orders ORDER BY c, 2')).toEqual(['orders: | order by created_at asc, id asc']);
  });

  test('ORDER BY over two tables is not index-servable and is left out', () => {
    expect(groups('SELECT * FROM orders o JOIN users u ON u.id = o.user_id ORDER BY u.email, o.created_at')).toEqual([
      'orders: user_id join users.id',
      'users: id join orders.user_id',
    ]);
  });

  test('GROUP BY columns, expressions in ORDER BY', () => {
    expect(groups('SELECT status, count(*) FROM orders WHERE created_at > $1 GROUP BY status ORDER BY lower(status)')).toEqual([
      'orders: created_at range $1 | order by lower(status) asc | group by status',
    ]);
  });

  test('the outermost LIMIT is reported on the pattern', () => {
    expect(analyze('SELECT * FROM users LIMIT 5').limit).toBe(5);
    expect(analyze('SELECT * FROM users').limit).toBeNull();
  });
});
