import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadParser } from '../../src/sql/ast.js';
import { detectLogFormat, parseCsvRecords, parseStderrLog } from '../../src/workload/log.js';
import { readWorkload } from '../../src/workload/read.js';
import { parseLoggedParameters, substituteParameters } from '../../src/sql/statements.js';
import { SHOP } from './model.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

beforeAll(loadParser);

describe('stderr logs', () => {
  test('default prefix: durations, multi-line statements, execute with parameters, bare durations, parse/bind not counted', async () => {
    const workload = await readWorkload({ model: SHOP, logFiles: [fixture('stderr-default-prefix.log')] });
    expect(workload.sources).toEqual(['log']);
    const byText = new Map(workload.queries.map((q) => [q.text, q]));
    const login = byText.get('SELECT id, email FROM users WHERE email = $1');
    expect(login).toMatchObject({ calls: 2, sources: ['log'], command: 'select' });
    expect(login?.totalMs).toBeCloseTo(22.345, 6);
    expect(login?.meanMs).toBeCloseTo(11.1725, 6);
    expect(login?.example).toBe("SELECT id, email\nFROM users\nWHERE email = 'alice@example.com'");

    const feed = byText.get('SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2');
    expect(feed).toMatchObject({ calls: 2, limit: 20 });
    expect(feed?.totalMs).toBeCloseTo(33.9, 6);
    expect(feed?.example).toBe("SELECT * FROM orders WHERE user_id = '42' ORDER BY created_at DESC LIMIT '20'");

    const update = byText.get('UPDATE orders SET status = $1 WHERE id = $2');
    expect(update).toMatchObject({ calls: 1, totalMs: 3.5, command: 'update' });

    expect(workload.queries).toHaveLength(3);
    expect(workload.unparsed).toEqual([
      expect.objectContaining({ source: 'log', text: 'SELEC garbage', location: `${fixture('stderr-default-prefix.log')}:17` }),
    ]);
    expect(workload.notes.some((n) => /\(stderr\): 7 logged statements, 7 with a duration/.test(n))).toBe(true);
  });

  test('a detailed prefix (user, db, app, client), NULL and quoted parameters, tab-continued lines of other messages', async () => {
    const workload = await readWorkload({ model: SHOP, logFiles: [fixture('stderr-detailed-prefix.log')] });
    expect(workload.queries.map((q) => q.example).sort()).toEqual([
      "SELECT * FROM users WHERE lower(email) = lower('Alice@Example.com')",
      "SELECT o.id FROM orders o\nJOIN order_items i ON i.order_id = o.id\nWHERE o.status = 'it''s open' AND i.product_id = NULL",
    ]);
    const join = workload.queries.find((q) => q.tables.length === 2);
    expect(join?.groups.find((g) => g.table.table === 'orders')?.conditions.map((c) => `${c.column} ${c.kind}`)).toEqual([
      'id join',
      'status equality',
    ]);
  });

  test("Debian's prefix (%m [%p] %q%u@%d), starting mid-file with an orphan DETAIL", async () => {
    const workload = await readWorkload({ model: SHOP, logFiles: [fixture('stderr-debian-prefix.log')] });
    expect(workload.queries.map((q) => [q.example, q.calls])).toEqual([
      ["SELECT 1 AS x,\n 'multi' AS y", 1],
      ["SELECT count(*) FROM users WHERE email LIKE 'car%'", 1],
      ["SELECT email FROM users WHERE email = 'carol@example.com' AND status = 'r'", 1],
    ]);
    expect(workload.queries[1]?.columnUses).toEqual([expect.objectContaining({ column: 'email', kind: 'like-prefix', value: "'car%'" })]);
  });

  test('entries keep their own process: a DETAIL attaches to the last message of its pid', () => {
    const entries = parseStderrLog(
      [
        '2026-01-01 00:00:00 UTC [1] LOG:  duration: 1 ms  execute a: SELECT $1',
        '2026-01-01 00:00:00 UTC [2] LOG:  duration: 1 ms  execute b: SELECT $1',
        "2026-01-01 00:00:00 UTC [1] DETAIL:  parameters: $1 = 'one'",
        "2026-01-01 00:00:00 UTC [2] DETAIL:  parameters: $1 = 'two'",
      ].join('\n'),
    );
    expect(entries.map((e) => [e.pid, e.detail])).toEqual([
      ['1', "parameters: $1 = 'one'"],
      ['2', "parameters: $1 = 'two'"],
    ]);
  });
});

describe('csvlog and jsonlog', () => {
  test('csvlog: quoted multi-line messages, parameters in the detail column, errors skipped', async () => {
    const workload = await readWorkload({ model: SHOP, logFiles: [fixture('postgresql.csv')] });
    expect(workload.notes.some((n) => n.includes('(csvlog): 2 logged statements'))).toBe(true);
    expect(workload.queries.map((q) => q.example).sort()).toEqual([
      "SELECT * FROM orders WHERE user_id = '42' AND status = 'it''s'",
      "SELECT id\nFROM users WHERE email = 'alice@example.com'",
    ]);
  });

  test('jsonlog', async () => {
    const workload = await readWorkload({ model: SHOP, logFiles: [fixture('postgresql.json')] });
    expect(workload.queries).toHaveLength(1);
    expect(workload.queries[0]).toMatchObject({
      calls: 2,
      totalMs: 4,
      text: 'SELECT * FROM products WHERE sku = $1',
      example: "SELECT * FROM products WHERE sku = 'A-1'",
    });
  });

  test('format detection by name and content', () => {
    expect(detectLogFormat('x.log', '2026-11-20 10:15:01.123 UTC,"app","shop",4711,')).toBe('csvlog');
    expect(detectLogFormat('x.log', '{"timestamp":"2026"}')).toBe('jsonlog');
    expect(detectLogFormat('x.log', '2026-11-20 10:15:01.123 UTC [4711] LOG:  duration: 1 ms  statement: SELECT 1, 2')).toBe('stderr');
    expect(detectLogFormat('x.csv', '')).toBe('csvlog');
  });

  test('CSV records: doubled quotes, commas and newlines inside quotes, CRLF', () => {
    expect(parseCsvRecords('a,"b,""c""\nd",e\r\nf,,g\n').map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b,"c"\nd', 'e']],
      [3, ['f', '', 'g']],
    ]);
  });
});

describe('parameters', () => {
  test('parsed from a DETAIL line, including NULL, quotes and truncated values', () => {
    expect([...parseLoggedParameters("$1 = '5', $2 = NULL, $3 = 'O''Brien', $4 = 'abc...'")]).toEqual([
      [1, "'5'"],
      [2, 'NULL'],
      [3, "'O''Brien'"],
      [4, "'abc...'"],
    ]);
  });

  test('substituted only where the lexer sees a parameter', () => {
    expect(
      substituteParameters(
        'SELECT \'$1\', $1, "$2" FROM t WHERE a = $2 AND b = $10',
        new Map([
          [1, "'x'"],
          [2, '7'],
        ]),
      ),
    ).toBe("SELECT '$1', 'x', \"$2\" FROM t WHERE a = 7 AND b = $10");
  });
});

test('a log file that does not exist is a user error', async () => {
  await expect(readWorkload({ model: SHOP, logFiles: ['/nonexistent/postgresql.log'] })).rejects.toThrow(
    /cannot read log file \/nonexistent\/postgresql.log: ENOENT/,
  );
});
