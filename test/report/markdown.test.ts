import { describe, expect, test } from 'vitest';
import { reporters } from '../../src/report/index.js';
import { makeFindings, makeResult, makeRichResult } from './fixture.js';
import { VERSION } from '../../src/util/version.js';

/** The text of one `## ` section. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

describe('markdown reporter', () => {
  const result = makeResult({ limitations: ['Sizes are unknown.'] });
  const md = reporters.markdown.render(result, { color: true });
  const rich = reporters.markdown.render(makeRichResult(), { color: false });

  test("sections in the seed audit's order", () => {
    const titles = [...rich.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(titles).toEqual([
      'Executive Summary',
      'Findings by Severity',
      'Strategy by Table Type',
      'Estimated Savings',
      'Success Criteria',
      'Next Steps — Priority Order',
      'Migration',
      'Statistics and Limitations',
    ]);
  });

  test('executive summary with status, the issues in one list, risk and savings', () => {
    expect(md.startsWith('# Database Performance Analysis\n')).toBe(true);
    const summary = section(md, 'Executive Summary');
    expect(summary).toContain('**Status**: ⚠️ NEEDS REFINEMENT');
    expect(summary).toContain(
      '**Issues Found**:\n\n- 🔴 1 duplicate index (critical)\n- 🟡 1 redundant index (medium)\n- 🟢 1 unindexed foreign key (low)\n',
    );
    expect(summary).toContain(`**Risk Level**: Medium — ${result.summary.riskReason}`);
    expect(summary).toContain('**Estimated Savings**: 1.2 MB of index storage from 2 indexes to drop');
    expect(section(rich, 'Executive Summary')).toContain('2 indexes to drop, 1,130 index writes saved over the statistics period');
    expect(md).not.toContain('\u001b');
  });

  test('one section per severity, in order: a table of the objects, then each with every reason and the one fix', () => {
    const headings = [
      '### 🔴 CRITICAL — 1 object, 1 finding',
      '### 🟡 MEDIUM — 1 object, 1 finding',
      '### 🟢 LOW — 1 object, 1 finding',
    ].map((h) => md.indexOf(h));
    expect(headings.every((p) => p >= 0)).toBe(true);
    expect([...headings].sort((a, b) => a - b)).toEqual(headings);
    expect(md).toContain('| Object | Table | What | Reasons | Size | Scans | Plan |');
    const docs = (rule: string): string => `[\`${rule}\`](https://unpkg.com/dbdoctor@${VERSION}/docs/rules/${rule}.md)`;
    expect(md).toContain(`| \`idx_users_email\` | \`public.users\` | index (email) | ${docs('duplicate-index')} | 1.2 MB | 0 | **drop** |`);
    expect(md).toContain(
      `| \`orders_product_id_idx\` | \`public.orders\` | new index (product_id) | ${docs('unindexed-foreign-key')} | — | — | **create** |`,
    );
    expect(md).toContain(`- **\`idx_users_email\`** on \`public.users\`\n  - ${docs('duplicate-index')}: Index idx_users_email duplicates`);
    expect(md).toContain('  - Fix: `DROP INDEX CONCURRENTLY IF EXISTS public.idx_users_email;`');
    expect(md).toContain('  - Undo: `CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON public.users USING btree (email);`');
  });

  test('empty severity sections are omitted', () => {
    const out = reporters.markdown.render(makeResult({ findings: makeFindings().filter((f) => f.severity === 'low') }), { color: false });
    expect(out).not.toContain('### 🔴 CRITICAL');
    expect(out).not.toContain('### 🟡 MEDIUM');
    expect(out).toContain('### 🟢 LOW');
  });

  test('pipes in table cells are escaped, and markup in names is not markup', () => {
    const rows = rich.split('\n').filter((l) => l.startsWith('| `idx_users_email`'));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.split(/(?<!\\)\|/).length - 2).toBeGreaterThanOrEqual(5);
    const odd = section(rich, 'Strategy by Table Type');
    expect(odd).toContain('#### `public.<b>"odd" & ünïcode</b>` — unknown, low confidence, from shape');
    const withPipe = reporters.markdown.render(
      makeResult({ findings: [{ ...makeFindings()[1]!, index: undefined, table: 'a|b', actions: [] }] }),
      {
        color: false,
      },
    );
    expect(withPipe).toContain('| `public.a\\|b` |');
  });

  test('strategy by table type: evidence, indexes with verdicts and the recommended set', () => {
    const strategy = section(rich, 'Strategy by Table Type');
    const order = ['### A. Transaction Tables (1)', '### B. Log Tables (1)', '### C. Tables of Unknown Type (1)'].map((h) =>
      strategy.indexOf(h),
    );
    expect(order.every((p) => p >= 0) && [...order].sort((a, b) => a - b).join() === order.join()).toBe(true);
    expect(strategy).toContain('- Evidence: reads outnumber writes 40 to 1');
    expect(strategy).toContain('- Size: ~10,000 rows, 1.2 MB');
    expect(strategy).toContain('| `idx_users_email` | `email` | 1.2 MB | 0 | **drop** — duplicate-index |');
    expect(strategy).toContain('| `users_pkey` | `id` (primary key) | 8.0 kB | 500 | keep |');
    expect(strategy).toContain('| `orders_product_id_idx` | `product_id` | — | — | **create** — unindexed-foreign-key |');
    expect(strategy).toContain('Recommended index set (3 → 2): `users_email_key`, `users_pkey`');
    expect(strategy).toContain('Recommended index set (3 → 3): `orders_pkey`, `orders_user_id_created_at_idx`, `orders_product_id_idx`');
  });

  test('estimated savings per table with a total', () => {
    const savings = section(rich, 'Estimated Savings');
    expect(savings).toContain('| `public.users` | 1 | 1.2 MB | 3 → 2 | 130 |');
    expect(savings).toContain('| `public.orders` | 1 (+1 created) | 8.0 kB | 3 → 3 | 1,000 |');
    expect(savings).toContain('| **Total** | **2** | **1.2 MB** |  | **1,130** |');
  });

  test('success criteria: boxes from measurements', () => {
    const criteria = section(rich, 'Success Criteria');
    expect(criteria).toContain('- [ ] No duplicate indexes — 1 duplicate index: users.idx_users_email');
    expect(criteria).toContain('- [x] No invalid indexes — every index is valid');
    expect(criteria).toContain('- ➖ Every foreign key indexed _(not applicable)_ — no foreign keys');
    expect(criteria).toContain('- [ ] ❔ Composite indexes only where query patterns justify them _(not measured)_');
    expect(criteria).toContain('- [x] Slow-query logging enabled (log_min_duration_statement) — statements over 1000 ms are logged');
    const bare = reporters.markdown.render(makeRichResult({ settings: { log_min_duration_statement: '-1' } }), { color: false });
    expect(section(bare, 'Success Criteria')).toContain(
      '- [ ] Slow-query logging enabled (log_min_duration_statement) — log_min_duration_statement = -1',
    );
  });

  test('next steps in priority order, with the fix and apply commands', () => {
    const steps = section(rich, 'Next Steps — Priority Order');
    expect(steps).toContain('1. **[HIGH] Drop 1 duplicate index** — Immediate.');
    expect(steps).toContain('   dbdoctor fix postgres://app@db.example/app --rule duplicate-index\n');
    expect(steps.indexOf('[MEDIUM] Drop 1 redundant index')).toBeLessThan(steps.indexOf('[LOW] Index 1 unindexed foreign key'));
    // The demo has no server to apply to: the commands point at $DATABASE_URL.
    expect(md).toContain('dbdoctor apply "$DATABASE_URL" --rule duplicate-index');
  });

  test('the migration: the fix plan step by step, creates first, and how to get and run it', () => {
    const migration = section(md, 'Migration');
    expect(migration).toContain('`dbdoctor fix` writes this plan as a migration');
    expect(migration).toContain(
      [
        '1. create index public.orders_product_id_idx on public.orders (product_id) — `unindexed-foreign-key`',
        '2. drop index public.idx_users_email — `duplicate-index`',
        '3. drop index public.orders_user_id_idx — `redundant-index`',
      ].join('\n'),
    );
  });

  test('statistics and limitations', () => {
    expect(section(md, 'Statistics and Limitations')).toContain('- Sizes are unknown.');
    expect(section(rich, 'Statistics and Limitations')).toContain('30 days');
  });

  test('zero findings renders a healthy report', () => {
    const out = reporters.markdown.render(makeResult({ findings: [] }), { color: false });
    expect(out).toContain('**Status**: ✅ HEALTHY');
    expect(out).toContain('**Issues Found**: None');
    expect(out).toContain('No findings');
    expect(out).toContain('No index is recommended for removal or creation.');
    expect(out).not.toContain('## Migration');
    expect(out).not.toContain('```sql');
  });

  test('a table-level finding that drops several indexes is a reason of each of them; a database-wide one has no table', () => {
    const overIndexed = {
      rule: 'over-indexed-table' as const,
      severity: 'medium' as const,
      schema: 'public',
      table: 'orders',
      columns: ['user_id'],
      message: 'public.orders is a log table with too many indexes.',
      help: 'Drop two.',
      evidence: {},
      actions: ['orders_user_id_idx', 'orders_user_id_created_at_idx'].map((name) => ({
        kind: 'drop-index' as const,
        index: makeResult().model.indexes.find((i) => i.name === name)!,
        attached: [],
      })),
    };
    const monitoring = {
      rule: 'monitoring-not-ready' as const,
      severity: 'low' as const,
      schema: '',
      table: 'app',
      message: 'pg_stat_statements is not loaded.',
      help: 'Load it.',
      evidence: {},
    };
    const out = reporters.markdown.render(makeRichResult({ findings: [overIndexed, monitoring] }), { color: false });
    const docs = `[\`over-indexed-table\`](https://unpkg.com/dbdoctor@${VERSION}/docs/rules/over-indexed-table.md)`;
    expect(out).toContain(`| \`orders_user_id_idx\` | \`public.orders\` | index (user_id) | ${docs} | 8.0 kB | 0 | **drop** |`);
    expect(out).toMatch(
      /\| `orders_user_id_created_at_idx` \| `public.orders` \| index \(user_id, created_at\) \| \[`over-indexed-table`\]/,
    );
    const db = out.slice(out.indexOf('### 🟢 LOW'));
    expect(db).toMatch(/\| `database` \| — \| setting \|/);
    expect(db).toContain('  - Advice: Load it.');
  });
});
