import { describe, expect, test } from 'vitest';
import { reporters } from '../../src/report/index.js';
import type { Finding } from '../../src/rules/types.js';
import { makeFindings, makeResult, makeRichResult, withFix } from './fixture.js';

const ESC = '\u001b';

describe('text reporter', () => {
  const result = makeResult({ limitations: ['Could not read pg_stat_user_indexes: scans are unknown.'] });
  const plain = reporters.text.render(result, { color: false });

  test('no escape characters without color, some with it, and the same text under the colours', () => {
    expect(plain).not.toContain(ESC);
    const colored = reporters.text.render(result, { color: true });
    expect(colored).toContain(`${ESC}[31m`);
    expect(colored.replaceAll(new RegExp(`${ESC}\\[\\d+m`, 'g'), '')).toBe(plain);
  });

  test('header names the target, version and counts', () => {
    expect(plain.split('\n')[0]).toBe('dbdoctor · demo (PostgreSQL 16.4) · 2 tables, 6 indexes, 0 foreign keys');
  });

  test('severity groups in order critical, medium, low, each counting objects and findings', () => {
    const positions = ['● CRITICAL  1 object, 1 finding', '● MEDIUM  1 object, 1 finding', '● LOW  1 object, 1 finding'].map((h) =>
      plain.indexOf(h),
    );
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test('empty groups are omitted', () => {
    const out = reporters.text.render(makeResult({ findings: makeFindings().filter((f) => f.severity !== 'medium') }), { color: false });
    expect(out).toContain('● CRITICAL');
    expect(out).not.toContain('● MEDIUM');
    expect(out).toContain('● LOW');
  });

  test('an entry: the object with its facts, every reason, then the fix and its undo', () => {
    const block = plain.slice(plain.indexOf('public.users › idx_users_email'), plain.indexOf('● MEDIUM'));
    expect(block).toContain('public.users › idx_users_email  index (email) · 1.2 MB · 0 scans\n');
    expect(block).toContain('    duplicate-index  Index idx_users_email duplicates users_email_key | both index (email).\n');
    expect(block).toContain('    fix:    DROP INDEX CONCURRENTLY IF EXISTS public.idx_users_email;\n');
    expect(block).toContain('    undo:   CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON public.users USING btree');
  });

  test('limitations, then the one-line summary of objects last', () => {
    expect(plain).toMatch(/\nLimitations\n( {2}- .*\n)* {2}- Could not read pg_stat_user_indexes: scans are unknown\.\n/);
    const wide = reporters.text.render(result, { color: false, width: 200 });
    expect(
      wide.endsWith('\n3 objects to act on (1 critical, 1 medium, 1 low; 3 findings) — 2 tables, 6 indexes, 1.2 MB reclaimable\n'),
    ).toBe(true);
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
      'STRATEGY BY TABLE TYPE AND SAVINGS',
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

  test('strategy: one line per table with its indexes before and after, the change and what it saves; the total', () => {
    expect(rich).toMatch(/ {4}public\.users +high +3 → 2 +drop 1 +1\.2 MB +130\n/);
    expect(rich).toContain('  Total: 2 indexes dropped, 1.2 MB, 1,130 index writes saved over the statistics period');
  });

  test('checklist and next steps, one command each and how to apply once', () => {
    expect(rich).toContain('    [ ] No duplicate indexes — 1 duplicate index: users.idx_users_email');
    expect(rich).toContain('    [-] Every foreign key indexed — no foreign keys');
    expect(rich).toContain('    [?] Composite indexes only where query patterns justify them');
    expect(rich).toMatch(/ {2}1\. {2}\[HIGH\] Drop 1 duplicate index — Immediate\./);
    expect(rich).toContain('      $ dbdoctor fix postgres://app@db.example/app --rule duplicate-index\n');
    expect(rich).toMatch(/dbdoctor apply --from\s+dbdoctor-migration/);
  });

  test('control characters in names cannot reach the terminal', () => {
    const [dup] = makeFindings();
    const out = reporters.text.render(makeResult({ findings: [{ ...dup!, table: 'evil\u001b[2Jtable', message: 'line\nbreak' }] }), {
      color: false,
    });
    expect(out).not.toContain('\u001b');
    expect(out).toContain('evil?[2Jtable');
  });

  test('one entry per index: an index two findings are about is one entry listing both reasons and one fix', () => {
    const index = makeResult().model.indexes.find((i) => i.name === 'orders_user_id_idx')!;
    const unused: Finding = withFix({
      rule: 'unused-index',
      severity: 'medium',
      schema: 'public',
      table: 'orders',
      index: 'orders_user_id_idx',
      message: 'Never scanned.',
      help: 'Drop it.',
      evidence: {},
      actions: [{ kind: 'drop-index', index, attached: [] }],
    });
    const out = reporters.text.render(makeResult({ findings: [...makeFindings(), unused] }), { color: false });
    expect(out.match(/public\.orders › orders_user_id_idx/g)).toHaveLength(1);
    const block = out.slice(out.indexOf('public.orders › orders_user_id_idx'));
    expect(block).toMatch(
      /^public\.orders › orders_user_id_idx.*\n {4}redundant-index .*\n {4}unused-index {5}Never scanned\.\n {4}fix: {4}DROP INDEX/,
    );
    expect(out.match(/DROP INDEX CONCURRENTLY IF EXISTS public\.orders_user_id_idx;/g)).toHaveLength(1);
    expect(out).toContain('● MEDIUM  1 object, 2 findings');
  });

  test('a table-wide finding is listed on each index its fix drops, without repeating its list', () => {
    const overIndexed: Finding = withFix({
      rule: 'over-indexed-table',
      severity: 'medium',
      schema: 'public',
      table: 'orders',
      message: 'public.orders is a log table with 3 indexes: 2 never scanned (orders_user_id_idx, orders_user_id_created_at_idx).',
      help: 'Drop two.',
      evidence: {},
      actions: ['orders_user_id_idx', 'orders_user_id_created_at_idx'].map((name) => ({
        kind: 'drop-index' as const,
        index: makeResult().model.indexes.find((i) => i.name === name)!,
        attached: [],
      })),
    });
    const out = reporters.text.render(makeResult({ findings: [overIndexed] }), { color: false });
    expect(out.match(/over-indexed-table {2}public\.orders is a log table with 3 indexes\.\n/g)).toHaveLength(2);
  });

  test('at most `limit` entries per severity, the rest counted with where to see them', () => {
    const out = reporters.text.render(makeResult(), { color: false, limit: 0 });
    expect(out).toContain('… and 1 more critical object: every entry is in --format markdown, html or json.');
    expect(out).not.toContain('public.users › idx_users_email');
  });

  test('lines wrap to the width, with a hanging indent', () => {
    const narrow = reporters.text.render(makeRichResult(), { color: false, width: 60 });
    // Aligned tables keep their columns; commands are not broken; every other line wraps.
    const tabular = (l: string): boolean => / {2,}\S+ {2,}/.test(l.trim()) || /^ *\$ /.test(l);
    const wide = narrow.split('\n').filter((l) => [...l].length > 60 && !tabular(l));
    expect(wide).toEqual([]);
  });
});
