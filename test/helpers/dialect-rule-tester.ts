/**
 * The rule tester of test/helpers/rule-tester.ts, for MariaDB and SQLite: every case gets a fresh
 * database (a database of its own on the local MariaDB, or on a throwaway MariaDB started with
 * the settings a rule needs; a SQLite file of its own), is audited with only the rule under test
 * through the real target (`dbdoctor audit` on the database's URL or the file's path), and:
 *
 * - valid cases: the rule reports nothing;
 * - invalid cases: the rule reports exactly the expected findings (any order, no extras), each of
 *   the shape every finding must have; then for every finding `fix.up` runs on the database, a
 *   new audit must not report it again, `fix.down` runs, and the catalog (index key parts and
 *   foreign keys) must be exactly what it was.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditTarget } from '../../src/audit/run-target.js';
import type { AuditResult } from '../../src/audit/types.js';
import type { TableType } from '../../src/rules/context/classify.js';
import type { Finding, Rule, RuleOptions } from '../../src/rules/types.js';
import { openAuditTarget } from '../../src/sources/open-target.js';
import { TEST_MYSQL_URL } from '../dialects/mysql/helpers.js';
import { startThrowawayMariadb, type ThrowawayMariadb } from '../dialects/mysql/throwaway-mariadb.js';
import { createMysqlCase, createSqliteCase, type CaseDatabase, type Dialect } from './dialect-databases.js';
import { assertMatches, checkShape, describeFindings, findingKey, type ExpectedFinding } from './finding-checks.js';

interface DialectCase {
  readonly name: string;
  /**
   * DDL and data of the case; a function receives the schema findings name (the MariaDB database,
   * `main` for SQLite). MariaDB runs it statement by statement (a `;` ends a line between two).
   */
  readonly sql: string | ((schema: string) => string);
  readonly ruleOptions?: Partial<RuleOptions>;
  /** Table types to audit with, by table name, instead of what the classifier decides. */
  readonly tableTypes?: { readonly [table: string]: TableType };
  /** What else the audit must show (a limitation, a note on the statistics): assertions on its result. */
  readonly report?: (result: AuditResult, schema: string) => void;
}

interface DialectInvalidCase extends DialectCase {
  readonly expected: readonly ExpectedFinding[] | ((schema: string) => readonly ExpectedFinding[]);
  /**
   * What the application keeps doing between a fix and the next audit, run after `fix.up`: MariaDB
   * restarts a table's usage counters with any ALTER TABLE, so reads that go on are what count then.
   */
  readonly afterFixUp?: string;
}

/** The cases of one rule on one engine. */
export interface DialectRuleTests {
  readonly valid: readonly DialectCase[];
  readonly invalid: readonly DialectInvalidCase[];
}

/** Where the MariaDB cases run. */
export interface DialectTesterOptions {
  /**
   * Start a throwaway MariaDB with these settings (`name=value`) for this rule's cases, instead of
   * using the local server (which may not be reconfigured): performance_schema=ON, for instance.
   */
  readonly throwawayMariadb?: readonly string[];
}

const ENGINE_NAME: Record<Dialect, string> = { mysql: 'MariaDB', sqlite: 'SQLite' };

/** Registers the tests of one rule on one engine: a describe, a test per case. */
export function dialectRuleTester(dialect: Dialect, rule: Rule, tests: DialectRuleTests, options: DialectTesterOptions = {}): void {
  const where =
    dialect === 'mysql' && options.throwawayMariadb ? `a throwaway MariaDB (${options.throwawayMariadb.join(', ')})` : ENGINE_NAME[dialect];
  describe(`${rule.id} on ${where}`, () => {
    let server: ThrowawayMariadb | undefined;
    beforeAll(async () => {
      if (dialect === 'mysql' && options.throwawayMariadb) server = await startThrowawayMariadb(options.throwawayMariadb);
    });
    afterAll(async () => {
      await server?.stop();
    });
    const fresh = (): Promise<CaseDatabase> => (dialect === 'sqlite' ? createSqliteCase() : createMysqlCase(server?.url ?? TEST_MYSQL_URL));

    const register = (c: DialectCase, run: (db: CaseDatabase) => Promise<void>): void => {
      test(c.name, async () => {
        const db = await fresh();
        try {
          await db.exec(typeof c.sql === 'function' ? c.sql(db.schema) : c.sql);
          await run(db);
        } finally {
          await db.close();
        }
      });
    };

    if (tests.valid.length > 0) {
      describe('valid', () => {
        for (const c of tests.valid) {
          register(c, async (db) => {
            const result = await audit(db, rule, c);
            if (result.findings.length > 0) {
              expect.fail(`expected no findings, got ${result.findings.length}:\n${describeFindings(result.findings, true)}`);
            }
            c.report?.(result, db.schema);
          });
        }
      });
    }

    if (tests.invalid.length > 0) {
      describe('invalid', () => {
        for (const c of tests.invalid) {
          register(c, async (db) => {
            const result = await audit(db, rule, c);
            const expected = (typeof c.expected === 'function' ? c.expected(db.schema) : c.expected).map((e) => ({ rule: rule.id, ...e }));
            for (const f of result.findings) checkShape(f, rule, [db.schema]);
            assertMatches(result.findings, expected);
            c.report?.(result, db.schema);
            for (const f of result.findings) await checkFix(db, rule, c, f);
          });
        }
      });
    }
  });
}

/** Audits the case's database as `dbdoctor audit` does: opened by its URL or path, read by the dialect's own introspection. */
async function audit(db: CaseDatabase, rule: Rule, c: DialectCase): Promise<AuditResult> {
  const target = await openAuditTarget(db.target);
  try {
    return await auditTarget(target, {
      rules: [rule],
      ...(c.ruleOptions ? { ruleOptions: c.ruleOptions } : {}),
      ...(c.tableTypes ? { tableTypes: Object.entries(c.tableTypes).map(([table, type]) => ({ schema: db.schema, table, type })) } : {}),
    });
  } finally {
    await target.close();
  }
}

/** Applies a finding's fix and its way back: up removes the finding, down restores the catalog exactly. */
async function checkFix(db: CaseDatabase, rule: Rule, c: DialectInvalidCase, finding: Finding): Promise<void> {
  if (finding.fix === undefined) return;
  const key = findingKey(finding);
  const before = await db.catalog();
  await db.apply(finding.fix, finding.fix.up, 'up');
  expect(await db.catalog(), `fix.up of ${key} changes the catalog`).not.toEqual(before);
  if (c.afterFixUp !== undefined) await db.exec(c.afterFixUp);
  const after = await audit(db, rule, c);
  const again = after.findings.filter((f) => findingKey(f) === key);
  if (again.length > 0) expect.fail(`after fix.up of ${key} the audit still reports:\n${describeFindings(again, true)}`);
  await db.apply(finding.fix, finding.fix.down, 'down');
  expect(await db.catalog(), `catalog after fix.down of ${key}`).toEqual(before);
}
