/**
 * An ESLint-style, strict tester for one rule: every case runs on every engine (the local
 * PostgreSQL server and PGlite), each in a fresh schema of its own, audited with only that rule.
 *
 * - valid cases: the rule reports nothing;
 * - invalid cases: the rule reports exactly the expected findings (any order, no extras).
 *
 * Usage statistics are dated from {@link TESTER_STATS_SINCE} unless a case says otherwise.
 *
 * Every finding is also checked for shape (message, help, severity, evidence, fix), and on the
 * server the fix of every finding is applied: `fix.up` must make the finding go away, and
 * `fix.down` must give back the catalog exactly as it was (index definitions, constraints and
 * index comments of the audited schemas).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import type { Queryable } from '../../src/dialects/types.js';
import type { Finding, Fix, Rule, RuleOptions } from '../../src/rules/types.js';
import { assertMatches, checkShape, describeFindings, findingKey, type ExpectedFinding } from './finding-checks.js';
import { ENGINES, type TestDatabase } from './databases.js';
import type { TableType } from '../../src/rules/context/classify.js';

type EngineKind = TestDatabase['kind'];

/** One step of a case's setup: SQL run as one batch, or a statement that must fail with the given error. */
type Step = string | { readonly sql: string; readonly error: RegExp };

/**
 * The SQL of a case, run with `search_path` set to the case's schema. One string is run as a
 * single batch (in an implicit transaction); use an array to run statements that cannot run in
 * a transaction block (`CREATE INDEX CONCURRENTLY`) on their own.
 */
type CaseSql = string | readonly Step[];

interface Case {
  readonly name: string;
  /** DDL (and data) for the case; a function receives the case's schema name. */
  readonly sql: CaseSql | ((schema: string) => CaseSql);
  /** Run only on these engines, and why. */
  readonly engines?: { readonly only: readonly EngineKind[]; readonly reason: string };
  /** Schemas to audit; the case's own schema when absent. */
  readonly schemas?: (schema: string) => readonly string[];
  readonly ruleOptions?: Partial<RuleOptions>;
  /**
   * Table types to audit with, by table name in the case's schema, instead of what the classifier
   * decides (for rules that act on a table type, tested apart from the classifier).
   */
  readonly tableTypes?: { readonly [table: string]: TableType };
  /** The queries the application runs, as a query file holds them (the audit's workload); none when absent. */
  readonly queries?: string;
}

type ValidCase = Case;

interface InvalidCase extends Case {
  readonly expected: readonly ExpectedFinding[] | ((schema: string) => readonly ExpectedFinding[]);
  /** Skip applying the fixes on the server, and why. */
  readonly skipFixCheck?: string;
}

export interface RuleTests {
  readonly valid: readonly ValidCase[];
  readonly invalid: readonly InvalidCase[];
}

/** ENGINES entries by the kind of database they create. */
const ENGINE_KIND: Record<(typeof ENGINES)[number]['name'], EngineKind> = {
  'postgres server': 'server',
  pglite: 'pglite',
};

const TARGET = { kind: 'postgres', name: 'rule-tester' } as const;

/** Registers the tests of one rule: a describe per engine, a test per case. */
export function ruleTester(rule: Rule, tests: RuleTests): void {
  for (const engine of ENGINES) {
    const kind = ENGINE_KIND[engine.name];
    describe(`${rule.id} on ${engine.name}`, () => {
      let database: TestDatabase;
      let counter = 0;
      beforeAll(async () => {
        database = await engine.create();
      });
      afterAll(async () => {
        await database?.close();
      });

      const register = (c: Case, run: (schema: string) => Promise<void>): void => {
        // A case for some engines only (its reason says why) is not registered on the others.
        if (c.engines !== undefined && !c.engines.only.includes(kind)) return;
        test(c.name, async () => {
          const schema = `case_${++counter}`;
          await setUp(database, schema, c);
          await run(schema);
        });
      };

      if (tests.valid.length > 0) {
        describe('valid', () => {
          for (const c of tests.valid) {
            register(c, async (schema) => {
              const findings = await audit(database.db, rule, c, schema);
              if (findings.length > 0) {
                expect.fail(`expected no findings, got ${findings.length}:\n${describeFindings(findings)}`);
              }
            });
          }
        });
      }

      if (tests.invalid.length > 0) {
        describe('invalid', () => {
          for (const c of tests.invalid) {
            register(c, async (schema) => {
              const findings = await audit(database.db, rule, c, schema);
              const expected = (typeof c.expected === 'function' ? c.expected(schema) : c.expected).map((e) => ({ rule: rule.id, ...e }));
              for (const f of findings) checkShape(f, rule, auditedSchemas(c, schema));
              assertMatches(findings, expected);
              // Fixes are applied on the server only: it is the engine users run them on.
              if (database.kind === 'server' && c.skipFixCheck === undefined) {
                for (const f of findings) await checkFix(database.db, rule, c, schema, f);
              }
            });
          }
        });
      }
    });
  }
}

function auditedSchemas(c: Case, schema: string): readonly string[] {
  return c.schemas ? c.schemas(schema) : [schema];
}

async function setUp(database: TestDatabase, schema: string, c: Case): Promise<void> {
  await database.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  const sql = typeof c.sql === 'function' ? c.sql(schema) : c.sql;
  try {
    for (const step of typeof sql === 'string' ? [sql] : sql) {
      if (typeof step === 'string') {
        await database.exec(step);
      } else {
        const error = await database.exec(step.sql).then(
          () => null,
          (e: unknown) => e,
        );
        if (error === null) expect.fail(`expected this statement to fail with ${step.error.toString()}: ${step.sql}`);
        expect(error instanceof Error ? error.message : JSON.stringify(error)).toMatch(step.error);
      }
    }
  } finally {
    // Audit the way a user does, without the case's schema on the search path.
    await database.exec('RESET search_path');
  }
}

/**
 * The statistics of a test database were made seconds ago, which the audit rightly refuses to
 * trust. The tester dates them from a fixed past day, as a user would with --stats-since, so that
 * each case is judged on the activity it records; a case sets `statsSince: null` to opt out. Young,
 * undated and reset statistics are tested on their own in test/rules/context/trust.test.ts.
 */
const TESTER_STATS_SINCE = '2020-01-01T00:00:00.000Z';

async function audit(db: Queryable, rule: Rule, c: Case, schema: string): Promise<readonly Finding[]> {
  const result = await auditPostgres(db, TARGET, {
    schemas: auditedSchemas(c, schema),
    rules: [rule],
    ruleOptions: { statsSince: TESTER_STATS_SINCE, ...c.ruleOptions },
    ...(c.tableTypes ? { tableTypes: Object.entries(c.tableTypes).map(([table, type]) => ({ schema, table, type })) } : {}),
    ...(c.queries !== undefined ? { workloadSources: { queryText: c.queries, statStatements: false } } : {}),
  });
  return result.findings;
}

/** Runs statements the way the fix says: outside a transaction one by one, or in one transaction. */
async function apply(db: Queryable, fix: Fix, statements: readonly string[], label: string): Promise<void> {
  const run = async (s: string): Promise<void> => {
    try {
      await db.query(s);
    } catch (error) {
      throw new Error(`fix.${label} statement failed: ${s}\n${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  if (fix.transactional === false) {
    for (const s of statements) await run(s);
    return;
  }
  await db.query('BEGIN');
  try {
    for (const s of statements) await run(s);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
}

const CATALOG_QUERY = `
SELECT 'index ' || pg_catalog.pg_get_indexdef(x.indexrelid)
       || coalesce(' COMMENT ' || pg_catalog.obj_description(x.indexrelid, 'pg_class'), '') AS item
  FROM pg_catalog.pg_index x
  JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = ANY ($1::text[])
UNION ALL
SELECT 'constraint ' || con.conrelid::regclass::text || ' ' || con.conname || ' ' || pg_catalog.pg_get_constraintdef(con.oid)
  FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_namespace n ON n.oid = con.connamespace
 WHERE n.nspname = ANY ($1::text[])
ORDER BY 1`;

async function catalog(db: Queryable, schemas: readonly string[]): Promise<string[]> {
  const { rows } = await db.query(CATALOG_QUERY, [[...schemas]]);
  return (rows as { item: string }[]).map((r) => r.item);
}

/** Applies a finding's fix and its way back: up removes the finding, down restores the catalog. */
async function checkFix(db: Queryable, rule: Rule, c: Case, schema: string, finding: Finding): Promise<void> {
  if (finding.fix === undefined) return;
  const schemas = auditedSchemas(c, schema);
  const key = findingKey(finding);
  const before = await catalog(db, schemas);
  await apply(db, finding.fix, finding.fix.up, 'up');
  const after = await audit(db, rule, c, schema);
  expect(after.map(findingKey), `after fix.up of ${key}`).not.toContain(key);
  await apply(db, finding.fix, finding.fix.down, 'down');
  // An INVALID index is dropped for good (the emitter says why): the way back restores everything else.
  const gone = new Set(finding.fix.actions.flatMap((a) => (a.kind === 'drop-index' && !a.index.valid ? [a.index.definition] : [])));
  const restorable = before.filter((item) => ![...gone].some((definition) => item.startsWith(`index ${definition}`)));
  if (gone.size > 0) expect(finding.fix.notes?.join(' '), `${key}: says what it does not undo`).toMatch(/Not undone: .*INVALID/);
  expect(await catalog(db, schemas), `catalog after fix.down of ${key}`).toEqual(restorable);
}
