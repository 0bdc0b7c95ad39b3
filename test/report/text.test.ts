import { describe, expect, test } from 'vitest';
import { reporters } from '../../src/report/index.js';
import { makeFindings, makeResult, makeRichResult } from './fixture.js';

const ESC = '\u001b';

describe('text reporter', () => {
  const result = makeResult({ limitations: ['Could not read pg_stat_user_indexes: scans are unknown.'] });
  const plain = reporters.text.render(result, { color: false });

  test('no escape characters without color, some with it', () => {
    expect(plain).not.toContain(ESC);
    const colored = reporters.text.render(result, { color: true });
    expect(colored).toContain(`${ESC}[31m`);
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });

  test('header names the target, version and counts', () => {
    expect(plain.split('\n')[0]).toBe('dbdoctor · demo (PostgreSQL 16.4) · 2 tables, 6 indexes, 0 foreign keys');
  });

  test('severity groups in order critical, medium, low', () => {
    const positions = ['● CRITICAL', '● MEDIUM', '● LOW'].map((h) => plain.indexOf(h));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test('empty groups are omitted', () => {
    const out = reporters.text.render(makeResult({ findings: makeFindings().filter((f) => f.severity !== 'medium') }), { color: false });
    expect(out).toContain('● CRITICAL');
    expect(out).not.toContain('● MEDIUM');
    expect(out).toContain('● LOW');
  });

  test('a finding block has rule, location, message, help, facts, fix and undo', () => {
    const block = plain.slice(plain.indexOf('duplicate-index'), plain.indexOf('● MEDIUM'));
    expect(block).toContain('duplicate-index  public.users › idx_users_email');
    expect(block).toContain('duplicates users_email_key | both index (email).');
    expect(block).toContain('help:  Drop idx_users_email');
    expect(block).toContain('facts: index 1.2 MB · 0 scans · 1,234 writes to the table\n');
    expect(block).toContain('fix:   DROP INDEX CONCURRENTLY IF EXISTS public.idx_users_email;');
    expect(block).toContain('undo:  CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email');
  });

  test('facts fall back to the model when the evidence lacks them', () => {
    const block = plain.slice(plain.indexOf('redundant-index'), plain.indexOf('● LOW'));
    expect(block).toContain('facts: index 8.0 kB · 0 scans');
  });

  test('limitations, then the one-line summary last', () => {
    expect(plain).toMatch(/\nLimitations\n(  - .*\n)*  - Could not read pg_stat_user_indexes: scans are unknown\.\n/);
    expect(plain.endsWith('\n1 critical, 1 medium, 1 low — 2 tables, 6 indexes, 1.2 MB reclaimable\n')).toBe(true);
  });

  test('no findings says so', () => {
    const out = reporters.text.render(makeResult({ findings: [] }), { color: false });
    expect(out).toContain('No findings');
    expect(out).not.toContain('●');
    expect(out.trimEnd().split('\n').at(-1)).toBe('no findings — 2 tables, 6 indexes');
  });

  const rich = reporters.text.render(makeRichResult(), { color: false });

  test('the same sections as the document, in the same order', () => {
    const headings = [
      'EXECUTIVE SUMMARY',
      'FINDINGS BY SEVERITY',
      'STRATEGY BY TABLE TYPE',
      'ESTIMATED SAVINGS',
      'SUCCESS CRITERIA',
      'NEXT STEPS (PRIORITY ORDER)',
      'Limitations',
    ].map((h) => rich.indexOf(`\n${h}\n`));
    expect(headings.every((p) => p > 0)).toBe(true);
    expect([...headings].sort((a, b) => a - b)).toEqual(headings);
  });

  test('summary lists the issues and the savings', () => {
    expect(rich).toContain(
      '  Status    ⚠ NEEDS REFINEMENT\n  Issues    ● 1 duplicate index (critical)\n            ● 1 redundant index (medium)\n',
    );
    expect(rich).toContain('  Savings   1.2 MB from 2 indexes to drop, 1,130 index writes since the reset');
  });

  test('strategy: aligned index table with verdicts and the recommended set', () => {
    expect(rich).toContain(
      '      index            keys     size  scans  verdict\n      idx_users_email  email  1.2 MB      0  drop (duplicate-index)\n',
    );
    expect(rich).toContain('      recommended (3 → 2): users_email_key, users_pkey');
    expect(rich).toContain('create (unindexed-foreign-key)');
  });

  test('savings, checklist and next steps', () => {
    expect(rich).toMatch(/  public\.users +1 +1\.2 MB +3 → 2 +130\n/);
    expect(rich).toMatch(/  total +2 +1\.2 MB +1,130\n/);
    expect(rich).toContain('    [ ] No duplicate indexes — 1 duplicate index: users.idx_users_email');
    expect(rich).toContain('    [-] Every foreign key indexed — no foreign keys');
    expect(rich).toContain('    [?] Composite indexes only where query patterns justify them');
    expect(rich).toContain('  1. [HIGH] Drop 1 duplicate index — Immediate\n');
    expect(rich).toContain('     $ dbdoctor apply postgres://app@db.example/app --rule duplicate-index --dry-run\n');
  });

  test('control characters in names cannot reach the terminal', () => {
    const [dup] = makeFindings();
    const out = reporters.text.render(makeResult({ findings: [{ ...dup!, table: 'evil\u001b[2Jtable', message: 'line\nbreak' }] }), {
      color: false,
    });
    expect(out).not.toContain('\u001b');
    expect(out).toContain('evil?[2Jtable');
  });

  test('a table-level finding names the indexes its fix drops', () => {
    const overIndexed = {
      rule: 'over-indexed-table',
      severity: 'medium' as const,
      schema: 'public',
      table: 'orders',
      message: 'Too many indexes.',
      help: 'Drop two.',
      evidence: {},
      actions: ['orders_user_id_idx', 'orders_user_id_created_at_idx'].map((name) => ({
        kind: 'drop-index' as const,
        index: makeResult().model.indexes.find((i) => i.name === name)!,
        attached: [],
      })),
    };
    const out = reporters.text.render(makeResult({ findings: [overIndexed] }), { color: false });
    expect(out).toContain('    drops: orders_user_id_idx, orders_user_id_created_at_idx (16.0 kB)\n');
  });
});
