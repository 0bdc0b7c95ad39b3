/**
 * What every rule tester checks of the findings it gets, whatever the engine: the shape every
 * finding of every rule must have, and an exact, order-free match of actual against expected
 * findings (no extras, none missing).
 */
import { expect } from 'vitest';
import { SEVERITIES, type Finding, type Rule } from '../../src/rules/types.js';

/**
 * What one finding must contain (`toMatchObject`); `rule` is implied. Asymmetric matchers
 * (`expect.stringMatching`) work anywhere; a field given as `undefined` must be absent.
 */
export type ExpectedFinding = Partial<Finding>;

/** What identifies a finding across audits. */
export function findingKey(f: Finding): string {
  return [f.rule, f.schema, f.table, f.index ?? '', f.constraint ?? ''].join('|');
}

function summary(f: Finding): Record<string, unknown> {
  const { rule, severity, schema, table, index, constraint, columns, coveredBy } = f;
  return { rule, severity, schema, table, index, constraint, columns, coveredBy };
}

export function describeFindings(findings: readonly Finding[], full = false): string {
  return findings.map((f) => `  ${JSON.stringify(full ? { ...summary(f), evidence: f.evidence, fix: f.fix } : summary(f))}`).join('\n');
}

/** toMatchObject, except that a field expected as `undefined` must be absent (or undefined). */
function matches(actual: Finding, expected: ExpectedFinding): boolean {
  const present = Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined));
  const absent = Object.keys(expected).filter((k) => !(k in present));
  if (absent.some((k) => (actual as unknown as Record<string, unknown>)[k] !== undefined)) return false;
  try {
    expect(actual).toMatchObject(present);
    return true;
  } catch {
    return false;
  }
}

/** Pairs every expected finding with a distinct actual one (backtracking: expectations may overlap). */
function assign(actual: readonly Finding[], expected: readonly ExpectedFinding[], used: boolean[], i: number): boolean {
  if (i === expected.length) return true;
  for (let j = 0; j < actual.length; j++) {
    if (used[j] || !matches(actual[j]!, expected[i]!)) continue;
    used[j] = true;
    if (assign(actual, expected, used, i + 1)) return true;
    used[j] = false;
  }
  return false;
}

export function assertMatches(actual: readonly Finding[], expected: readonly ExpectedFinding[]): void {
  const ok =
    actual.length === expected.length &&
    assign(
      actual,
      expected,
      actual.map(() => false),
      0,
    );
  if (ok) return;
  const unmatched = expected.filter((e) => !actual.some((a) => matches(a, e)));
  expect.fail(
    `expected ${expected.length} finding(s), got ${actual.length}.\n` +
      `actual:\n${describeFindings(actual, true) || '  (none)'}\n` +
      `expected:\n${expected.map((e) => `  ${JSON.stringify(e)}`).join('\n')}` +
      (unmatched.length > 0 ? `\nmatched by no finding:\n${unmatched.map((e) => `  ${JSON.stringify(e)}`).join('\n')}` : ''),
  );
}

/** Checks what every finding of every rule must satisfy. */
export function checkShape(f: Finding, rule: Rule, schemas: readonly string[]): void {
  const where = `${rule.id} finding ${JSON.stringify(summary(f))}`;
  expect(f.rule, where).toBe(rule.id);
  expect(SEVERITIES, where).toContain(f.severity);
  expect(schemas, where).toContain(f.schema);
  expect(f.table, where).toMatch(/\S/);
  expect(typeof f.message === 'string' && f.message.trim().length > 0, `${where}: message`).toBe(true);
  expect(typeof f.help === 'string' && f.help.trim().length > 0, `${where}: help`).toBe(true);
  expect(f.evidence !== null && typeof f.evidence === 'object' && !Array.isArray(f.evidence), `${where}: evidence`).toBe(true);
  expect(JSON.parse(JSON.stringify(f.evidence)), `${where}: evidence is JSON`).toEqual(f.evidence);
  if (f.columns !== undefined) expect(Array.isArray(f.columns), `${where}: columns`).toBe(true);
  if (f.fix === undefined) return;
  const { up, down } = f.fix;
  for (const [label, list] of [
    ['up', up],
    ['down', down],
  ] as const) {
    expect(Array.isArray(list), `${where}: fix.${label} is an array`).toBe(true);
    for (const s of list)
      expect(typeof s === 'string' && s.trim().length > 0, `${where}: fix.${label} statements are non-empty strings`).toBe(true);
  }
  expect(up.length, `${where}: fix.up is not empty`).toBeGreaterThan(0);
  if ([...up, ...down].some((s) => /\bCONCURRENTLY\b/i.test(s))) {
    expect(f.fix.transactional, `${where}: CONCURRENTLY needs transactional: false`).toBe(false);
  }
}
