/**
 * The reports on the built-in demo (the seed audit's application): they must read like the
 * professional analysis the seed is an example of, in every format, through the CLI.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { runCli } from '../../src/cli/program.js';
import { createDemoDatabase } from '../../src/sources/demo/index.js';
import { DEMO_RULE_OPTIONS } from '../../src/audit/demo.js';
import { reporters } from '../../src/report/index.js';

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    args,
    { stdout: { write: (s: string) => (stdout += s), isTTY: false }, env: {}, cwd },
    { write: (s: string) => (stderr += s) },
  );
  return { code, stdout, stderr };
}

describe('the demo audit, in every document format', () => {
  let dir = '';
  let markdown = '';
  let text = '';
  let page = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dbdoctor-demo-report-'));
    // One demo audit, as `audit --demo` runs it, rendered by each reporter (building the demo is the slow part).
    const db = await createDemoDatabase();
    try {
      const result = await auditPostgres(db, { kind: 'demo', name: 'demo' }, { ruleOptions: DEMO_RULE_OPTIONS });
      markdown = reporters.markdown.render(result, { color: false });
      text = reporters.text.render(result, { color: false });
      page = reporters.html.render(result, { color: false });
    } finally {
      await db.close();
    }
  }, 240_000);

  test('the CLI writes the html format to a file', async () => {
    const schema = join(dir, 'schema.sql');
    await writeFile(schema, 'CREATE TABLE "<t>" (id int PRIMARY KEY, email text UNIQUE); CREATE INDEX dup ON "<t>" (email);');
    const out = join(dir, 'audit.html');
    const run = await cli(['audit', schema, '--format', 'html', '--output', out, '--fail-on', 'none'], dir);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    const written = await readFile(out, 'utf8');
    expect(written.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(written).toContain('<strong><code>dup</code></strong> on <code>public.<wbr>&lt;t&gt;</code>');
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("markdown: the seed's sections, with the seed's problems found and measured", () => {
    for (const heading of [
      '## Executive Summary',
      '## Findings by Severity',
      '## Strategy by Table Type',
      '## Estimated Savings',
      '## Success Criteria',
      '## Next Steps — Priority Order',
      '## Migration',
    ]) {
      expect(markdown).toContain(`\n${heading}\n`);
    }
    expect(markdown).toMatch(/\*\*Status\*\*: (⚠️ NEEDS REFINEMENT|🔴 AT RISK)/);
    expect(markdown).toMatch(/- 🔴 3 duplicate indexes \(critical\)/);
    // The seed's duplicate on notification_preferences: the composite the unique constraint already is.
    expect(markdown).toMatch(
      /\| `ix_notification_preferences_user_event` \| `public\.notification_preferences` \| index \(user_id, event_type\) \| \[`duplicate-index`\]\([^)]*docs\/rules\/duplicate-index\.md\) \|.*\| \*\*drop\*\* \|/,
    );
    expect(markdown).toContain('duplicates uq_user_event_type on public.notification_preferences');
    // The plan lists each object once, in order; the whole report fits one GitHub comment (65,536 characters).
    expect(markdown.match(/^\d+\. drop index public\.ix_notification_preferences_user_event /gm)).toHaveLength(1);
    expect(markdown.length).toBeLessThanOrEqual(65_536);
    // Log tables are told apart from transaction tables, as in the seed's strategy section.
    expect(markdown).toMatch(/### [A-D]\. Log Tables \(\d+\)/);
    expect(markdown).toMatch(/#### `public\.email_logs` — log, \w+ confidence/);
    // Where the seed is wrong: PostgreSQL does not index foreign keys by itself.
    expect(markdown).toContain('(PostgreSQL does not create one)');
    expect(markdown).toMatch(/- \[ \] No duplicate indexes — 3 duplicate indexes/);
    expect(markdown).toMatch(/1\. \*\*\[HIGH\] Drop 3 duplicate indexes\*\* — Immediate\./);
    expect(markdown).toContain('dbdoctor fix "$DATABASE_URL" --rule duplicate-index');
    expect(markdown).toMatch(/\| \*\*Total\*\* \| \*\*\d+\*\* \| \*\*[\d.]+ [kM]B\*\* \|/);
  });

  test('text: the same analysis for a terminal', () => {
    for (const heading of [
      'EXECUTIVE SUMMARY',
      'FINDINGS BY SEVERITY',
      'STRATEGY BY TABLE TYPE AND SAVINGS',
      'SUCCESS CRITERIA',
      'NEXT STEPS (PRIORITY ORDER)',
    ])
      expect(text).toContain(`\n${heading}\n`);
    expect(text).toContain('● 3 duplicate indexes (critical)');
    expect(text).toMatch(/public\.email_logs +high +\d+ → \d+ +drop \d+/);
    // One entry per object, short enough to read: the demo's report fits 400 lines of at most 100 columns.
    expect(text.split('\n').length).toBeLessThanOrEqual(400);
    expect(text.split('\n').filter((l) => [...l].length > 100)).toEqual([]);
    expect(text).not.toContain('\u001b');
  });

  test('html: one page with the three charts and the same sections', () => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    for (const id of ['chart-index-size', 'chart-scans', 'chart-writes']) expect(page).toContain(`<svg class="chart" id="${id}"`);
    // 13 tables, every one with indexes: at least one size bar each.
    expect((page.match(/data-series="kept"/g) ?? []).length).toBe(13);
    expect(page).toContain('<section id="criteria">');
    expect(page).not.toMatch(/<script/i);
  });
});
