import { describe, expect, test } from 'vitest';
import { normalizeStatement, OPERATIONS, operationIndex, operationOf } from '../../src/monitor/statement.js';

const PAYLOAD = String.raw`SELECT 'C:\' AS dir, 'hunter2-SECRET' AS password`;

describe('normalizeStatement', () => {
  test("standard_conforming_strings on: 'C:\\' ends at its quote", () => {
    expect(normalizeStatement(PAYLOAD, { backslashEscapes: false })).toBe('SELECT ? AS dir, ? AS password');
  });

  test('standard_conforming_strings off: a backslash escapes the quote', () => {
    const sql = String.raw`SELECT 'C:\\' AS dir, 'it\'s hunter2-SECRET' AS password`;
    expect(normalizeStatement(sql, { backslashEscapes: true })).toBe('SELECT ? AS dir, ? AS password');
    // Read the other way, the same text would show the secret as code: unknown syntax hides it.
    expect(normalizeStatement(sql, { backslashEscapes: false })).toContain('hunter2');
    expect(normalizeStatement(sql)).not.toContain('hunter2');
  });

  test('string syntax unknown: a literal under either reading is hidden', () => {
    const out = normalizeStatement(PAYLOAD);
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('C:');
    expect(out.startsWith('SELECT ?')).toBe(true);
  });

  test("E'' strings read backslashes whatever the setting", () => {
    const sql = String.raw`SELECT E'a\'b hunter2-SECRET', 'x' AS y`;
    expect(normalizeStatement(sql, { backslashEscapes: false })).toBe('SELECT ?, ? AS y');
    expect(normalizeStatement(sql, { backslashEscapes: true })).toBe('SELECT ?, ? AS y');
  });

  test('dollar quotes (tagged, nested tags, unterminated), positional parameters kept', () => {
    expect(normalizeStatement("SELECT $$ it's hunter2 $$, $f$ a $$ b $f$, $1, $22::int")).toBe('SELECT ?, ?, $1, $22::int');
    expect(normalizeStatement('SELECT $q$ never closed hunter2')).toBe('SELECT ?');
  });

  test('quoted identifiers stay, doubled quotes and comments do not end early, numbers go', () => {
    const sql = `SELECT "Col""x", t1.c2, -5.5e-3, 0x1F, .5 FROM "t" WHERE a IN (1, 2, 3) AND b = 'it''s hunter2' /* a /* nested */ 'x */ -- 'tail`;
    expect(normalizeStatement(sql)).toBe('SELECT "Col""x", t1.c2, -?, ?, ? FROM "t" WHERE a IN (?…) AND b = ?');
  });

  test('MySQL: double-quoted strings, # comments, backslash escapes, _charset introducers', () => {
    const sql = "SELECT \"hunter2\", 'x\\'hunter2', _utf8mb4'hunter2', `id` FROM t # 'tail";
    expect(normalizeStatement(sql, { system: 'mysql', backslashEscapes: true })).toBe('SELECT ?, ?, ?, `id` FROM t');
    expect(normalizeStatement(sql, { system: 'mysql' })).not.toContain('hunter2');
  });

  test('an unterminated string hides everything after it', () => {
    expect(normalizeStatement("SELECT 'hunter2")).toBe('SELECT ?');
  });

  test('long statements are cut', () => {
    expect(normalizeStatement(`SELECT ${'a, '.repeat(100)}b`, { maxLength: 20 })).toBe('SELECT a, a, a, a, a…');
  });
});

describe('operationOf', () => {
  test.each([
    ['select 1', 'SELECT'],
    ['  /* x */ WITH a AS (SELECT 1) SELECT 1', 'WITH'],
    ['-- c\nupdate t set a = 1', 'UPDATE'],
    ['(SELECT 1) UNION (SELECT 2)', 'SELECT'],
    ['selectx', 'OTHER'],
    ['SELECT$1', 'OTHER'],
    ['Insert into t values (1)', 'INSERT'],
    ['refresh materialized view v', 'OTHER'],
    ['', 'OTHER'],
  ])('%j is %s', (sql, op) => {
    expect(operationOf(sql)).toBe(op);
    expect(OPERATIONS[operationIndex(sql)]).toBe(op);
  });
});
