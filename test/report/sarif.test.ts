/**
 * SARIF 2.1.0 output, validated by Microsoft's SARIF Multitool (`@microsoft/sarif-multitool`, a
 * devDependency: its absence fails the test): a live database gives logical locations
 * (`schema.table.index`), a schema file physical ones (file, line, column); every result has its
 * rule's index, a level, and the finding's fingerprint as a partial fingerprint; every rule has
 * help and a link to its docs page.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runAuditCommand } from '../../src/cli/audit-command.js';
import { allRules } from '../../src/rules/index.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';
import { sink } from '../plan/support.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** The validator's binary for this platform, from the npm package. */
function multitool(): string {
  const pkg = require.resolve(`@microsoft/sarif-multitool-${process.platform === 'darwin' ? 'darwin' : 'linux'}/package.json`);
  return join(dirname(pkg), 'Sarif.Multitool');
}

interface Sarif {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; helpUri: string; help: { text: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      partialFingerprints: Record<string, string>;
      locations: {
        physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } };
        logicalLocations: { fullyQualifiedName: string }[];
      }[];
    }[];
  }[];
}

let database: TestDatabase;
let work: string;

beforeAll(async () => {
  database = await createServerDatabase();
  await database.exec(`
    CREATE SCHEMA sarif;
    CREATE TABLE sarif.users (id bigint PRIMARY KEY, email text NOT NULL);
    CREATE INDEX users_email_a ON sarif.users (email);
    CREATE INDEX users_email_b ON sarif.users (email);`);
  work = await mkdtemp(join(tmpdir(), 'dbdoctor-sarif-'));
});
afterAll(async () => {
  await database?.close();
});

/** Validates a SARIF file with the Multitool; returns its report. Errors fail the test. */
async function validate(file: string): Promise<string> {
  const binary = multitool();
  expect(existsSync(binary), `${binary} (npm ci installs @microsoft/sarif-multitool)`).toBe(true);
  const { stdout } = await run(binary, ['validate', file]);
  expect(stdout).not.toMatch(/\berror\b/i);
  expect(stdout).toMatch(/Analysis completed successfully/);
  return stdout;
}

async function audit(target: string, extra: Record<string, unknown> = {}): Promise<{ file: string; sarif: Sarif }> {
  const out = sink();
  await runAuditCommand(target, { format: 'sarif', failOn: 'none', ...extra }, { stdout: out, env: {} });
  const file = join(work, `${Math.random().toString(36).slice(2)}.sarif`);
  await writeFile(file, out.text());
  return { file, sarif: JSON.parse(out.text()) as Sarif };
}

describe('sarif', () => {
  test('a live database: valid SARIF 2.1.0, logical locations, fingerprints, every rule documented', async () => {
    const { file, sarif } = await audit(database.url!, { schema: ['sarif'] });
    await validate(file);
    expect(sarif.version).toBe('2.1.0');
    const run0 = sarif.runs[0]!;
    expect(run0.tool.driver.rules.map((r) => r.id)).toEqual(allRules.map((r) => r.id));
    for (const rule of run0.tool.driver.rules) {
      expect(rule.helpUri).toMatch(new RegExp(`/docs/rules/${rule.id}\\.md$`));
      expect(rule.help.text.length).toBeGreaterThan(20);
    }
    const duplicate = run0.results.find((r) => r.ruleId === 'duplicate-index')!;
    expect(duplicate.level).toBe('error');
    expect(run0.tool.driver.rules[duplicate.ruleIndex]!.id).toBe('duplicate-index');
    expect(duplicate.locations[0]!.physicalLocation).toBeUndefined();
    expect(duplicate.locations[0]!.logicalLocations[0]!.fullyQualifiedName).toBe('sarif.users.users_email_b');
    expect(Object.values(duplicate.partialFingerprints)[0]).toMatch(/^[0-9a-f]{32}$/);
  });

  test('a .sql file: valid SARIF with the physical location of the statement that created the index', async () => {
    const { file, sarif } = await audit('test/fixtures/dumps/pg_dump.sql');
    await validate(file);
    const duplicate = sarif.runs[0]!.results.find((r) => r.ruleId === 'duplicate-index')!;
    const line =
      (await readFile('test/fixtures/dumps/pg_dump.sql', 'utf8'))
        .split('\n')
        .indexOf('CREATE INDEX index_accounts_on_email ON public.accounts USING btree (email);') + 1;
    expect(duplicate.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'test/fixtures/dumps/pg_dump.sql', uriBaseId: '%SRCROOT%' },
      region: { startLine: line, startColumn: 1 },
    });
    expect(duplicate.locations[0]!.logicalLocations[0]!.fullyQualifiedName).toBe('public.accounts.index_accounts_on_email');
  });
});
