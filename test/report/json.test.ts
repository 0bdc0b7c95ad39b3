import { describe, expect, test } from 'vitest';
import { reporters } from '../../src/report/index.js';
import { makeResult } from './fixture.js';

describe('json reporter', () => {
  const result = makeResult();
  const output = reporters.json.render(result, { color: false });

  test("has exactly the contract's top-level keys, never the model", () => {
    const parsed = JSON.parse(output) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['version', 'target', 'summary', 'findings', 'tables', 'suppressed']);
    expect(output).not.toContain('"model"');
  });

  test('carries the target, summary, tables and every finding with its fix, never the model or the raw actions', () => {
    const parsed = JSON.parse(output) as { target: unknown; summary: unknown; tables: unknown; findings: Record<string, unknown>[] };
    const plain = JSON.parse(JSON.stringify(result)) as typeof parsed;
    expect(parsed.target).toEqual(plain.target);
    expect(parsed.summary).toEqual(plain.summary);
    expect(parsed.tables).toEqual(plain.tables);
    expect(parsed).not.toHaveProperty('model');
    expect(parsed.findings.map((f) => [f.rule, f.message, (f.fix as { up: string[] } | undefined)?.up])).toEqual(
      result.findings.map((f) => [f.rule, f.message, f.fix?.up]),
    );
    for (const f of parsed.findings) expect(f).not.toHaveProperty('actions');
  });

  test('is 2-space indented, ends with a newline, and ignores color', () => {
    expect(output.endsWith('}\n')).toBe(true);
    expect(output).toContain('\n  "version": 1,');
    expect(reporters.json.render(result, { color: true })).toBe(output);
  });

  test('finding fields in contract order, undefined fields omitted', () => {
    const parsed = JSON.parse(output) as { findings: Record<string, unknown>[] };
    const fk = parsed.findings.find((f) => f.rule === 'unindexed-foreign-key')!;
    expect(Object.keys(fk)).toEqual(['rule', 'severity', 'schema', 'table', 'constraint', 'columns', 'message', 'help', 'evidence', 'fix']);
    expect(Object.keys(fk.fix as object)).toEqual(['up', 'down', 'actions', 'transactional', 'notes']);
    expect((fk.fix as { actions: unknown[] }).actions).toEqual([
      {
        kind: 'create-index',
        schema: 'public',
        table: 'orders',
        index: 'orders_product_id_idx',
        definition: 'CREATE INDEX orders_product_id_idx ON public.orders (product_id)',
        method: 'btree',
        unique: false,
        keys: ['product_id'],
        include: [],
        predicate: null,
        partitions: [],
      },
    ]);
    const dup = parsed.findings.find((f) => f.rule === 'duplicate-index')!;
    expect(Object.keys(dup)).toEqual([
      'rule',
      'severity',
      'schema',
      'table',
      'index',
      'columns',
      'coveredBy',
      'message',
      'help',
      'evidence',
      'fix',
    ]);
  });
});
