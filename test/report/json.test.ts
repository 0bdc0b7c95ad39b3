import { describe, expect, test } from 'vitest';
import { reporters } from '../../src/report/index.js';
import type { AuditResult } from '../../src/audit/types.js';
import { makeResult } from './fixture.js';

describe('json reporter', () => {
  const result = makeResult();
  const output = reporters.json.render(result, { color: false });

  test("has exactly the contract's top-level keys, never the model", () => {
    const parsed = JSON.parse(output) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['version', 'target', 'summary', 'findings', 'tables', 'suppressed']);
    expect(output).not.toContain('"model"');
  });

  test('round-trips the target, summary and findings', () => {
    const parsed = JSON.parse(output) as unknown;
    const { model: _model, workload: _workload, ...reported } = result;
    expect(parsed).toEqual(JSON.parse(JSON.stringify({ ...reported, suppressed: [] })));
    expect(reporters.json.render(JSON.parse(output) as AuditResult, { color: false })).toBe(output);
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
    expect(Object.keys(fk.fix as object)).toEqual(['up', 'down', 'transactional']);
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
