import { describe, expect, test } from 'vitest';
import { reporters } from '../../src/report/index.js';
import { makeFindings, makeResult } from './fixture.js';

/** The contents of the ```sql block under `### <title>`. */
function sqlBlock(markdown: string, title: string): string {
  const match = new RegExp(`### ${title}\\n\\n\`\`\`sql\\n([\\s\\S]*?)\\n\`\`\``).exec(markdown);
  expect(match).not.toBeNull();
  return match![1]!;
}

describe('markdown reporter', () => {
  const result = makeResult({ limitations: ['Sizes are unknown.'] });
  const md = reporters.markdown.render(result, { color: true });

  test('executive summary with status, issues and risk', () => {
    expect(md.startsWith('# Database Performance Analysis\n')).toBe(true);
    expect(md).toContain('## Executive Summary');
    expect(md).toContain('**Status**: ⚠️ NEEDS REFINEMENT');
    expect(md).toContain('**Issues Found**: 1 duplicate index, 1 redundant index and 1 unindexed foreign key');
    expect(md).toContain(`**Risk Level**: Medium — ${result.summary.riskReason}`);
    expect(md).not.toContain('\u001b');
  });

  test('one section per severity, in order, each with a row per finding', () => {
    const headings = ['### 🔴 CRITICAL', '### 🟡 MEDIUM', '### 🟢 LOW'].map((h) => md.indexOf(h));
    expect(headings.every((p) => p >= 0)).toBe(true);
    expect([...headings].sort((a, b) => a - b)).toEqual(headings);
    expect(md).toContain('| Table | Index/Constraint | Rule | Problem | Covered by | Size | Scans |');
    expect(md).toContain('| `public.users` | `idx_users_email` | duplicate-index |');
    expect(md).toContain('| `public.orders` | `orders_user_id_idx` | redundant-index | Index orders_user_id_idx on public.orders is redundant. | `orders_user_id_created_at_idx` | 8.0 kB | 0 |');
    expect(md).toContain('| `public.orders` | `orders_product_id_fkey` | unindexed-foreign-key |');
    for (const f of result.findings) expect(md).toContain(f.help);
  });

  test('empty severity sections are omitted', () => {
    const out = reporters.markdown.render(makeResult({ findings: makeFindings().filter((f) => f.severity === 'low') }), { color: false });
    expect(out).not.toContain('CRITICAL');
    expect(out).not.toContain('MEDIUM');
    expect(out).toContain('### 🟢 LOW');
  });

  test('pipes in table cells are escaped', () => {
    expect(md).toContain('duplicates users_email_key \\| both index (email).');
    const rows = md.split('\n').filter((l) => l.startsWith('| `public.users` | `idx_users_email`'));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.split(/(?<!\\)\|/).length - 2).toBe(7);
  });

  test('recommended changes per table: drops, creates and indexes kept', () => {
    const section = md.slice(md.indexOf('## Recommended Changes per Table'), md.indexOf('## Migration'));
    const users = section.slice(section.indexOf('### `public.users`'), section.indexOf('### `public.orders`'));
    expect(users).toContain('- **Drop** `idx_users_email` (duplicate-index)');
    expect(users).toContain('- `users_pkey` on (id) — primary key');
    expect(users).toContain('- `users_email_key` on (email) — unique constraint `users_email_key`');
    expect(users).not.toContain('- `idx_users_email` on');
    const orders = section.slice(section.indexOf('### `public.orders`'));
    expect(orders).toContain('- **Create** `orders_product_id_idx` on (product_id) (unindexed-foreign-key)');
    expect(orders).toContain('- `orders_user_id_created_at_idx` on (user_id, created_at)');
    expect(orders).not.toContain('- `orders_user_id_idx` on');
  });

  test('up in severity order, down in reverse, each with its comment', () => {
    const up = sqlBlock(md, 'Up');
    expect(up).toBe(
      [
        '-- duplicate-index: public.users.idx_users_email',
        'DROP INDEX CONCURRENTLY IF EXISTS public.idx_users_email;',
        '',
        '-- redundant-index: public.orders.orders_user_id_idx',
        'DROP INDEX CONCURRENTLY IF EXISTS public.orders_user_id_idx;',
        '',
        '-- unindexed-foreign-key: public.orders.orders_product_id_fkey',
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_product_id_idx ON public.orders (product_id);',
      ].join('\n'),
    );
    const down = sqlBlock(md, 'Down');
    const comments = down.split('\n').filter((l) => l.startsWith('-- '));
    expect(comments).toEqual([
      '-- unindexed-foreign-key: public.orders.orders_product_id_fkey',
      '-- redundant-index: public.orders.orders_user_id_idx',
      '-- duplicate-index: public.users.idx_users_email',
    ]);
    expect(down.indexOf('DROP INDEX CONCURRENTLY IF EXISTS public.orders_product_id_idx;')).toBeLessThan(down.indexOf('CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email'));
  });

  test('a multi-statement down keeps its own order', () => {
    const [dup] = makeFindings().filter((f) => f.rule === 'duplicate-index');
    const finding = { ...dup!, fix: { up: ['ALTER TABLE public.users DROP CONSTRAINT IF EXISTS users_email_key'], down: ['CREATE UNIQUE INDEX x', 'ALTER TABLE public.users ADD CONSTRAINT y'] } };
    const down = sqlBlock(reporters.markdown.render(makeResult({ findings: [finding] }), { color: false }), 'Down');
    expect(down.indexOf('CREATE UNIQUE INDEX x;')).toBeLessThan(down.indexOf('ADD CONSTRAINT y;'));
  });

  test('limitations section', () => {
    expect(md).toContain('## Limitations\n\n- Sizes are unknown.');
  });

  test('zero findings renders a healthy report', () => {
    const out = reporters.markdown.render(makeResult({ findings: [] }), { color: false });
    expect(out).toContain('**Status**: ✅ HEALTHY');
    expect(out).toContain('**Issues Found**: None');
    expect(out).toContain('No findings');
    expect(out).not.toContain('## Migration');
    expect(out).not.toContain('```sql');
  });
});
