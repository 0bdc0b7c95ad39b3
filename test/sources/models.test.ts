/**
 * SQLAlchemy models as an audit target (test/fixtures/models, written for these tests after the
 * seed's application): the exact reader (Debian's SQLAlchemy imports the models and compiles
 * their DDL), the static reader (tree-sitter-python, no Python run), both giving the same
 * verdicts, and findings pointing at the model lines, found in the fixture text.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, test } from 'vitest';
import { auditTarget } from '../../src/audit/run-target.js';
import type { AuditResult } from '../../src/audit/types.js';
import type { Finding } from '../../src/rules/types.js';
import { openAuditTarget } from '../../src/sources/open-target.js';
import { pythonWithAlembic } from '../helpers/python.js';

const SEED = 'test/fixtures/models/seed_app/models';
const MIXED = 'test/fixtures/models/mixed';
const STRUCTURAL = new Set(['duplicate-index', 'redundant-index', 'unindexed-foreign-key']);

async function audit(path: string, python?: string): Promise<AuditResult> {
  const target = await openAuditTarget(path, python ? { python } : {});
  try {
    return await auditTarget(target);
  } finally {
    await target.close();
  }
}

function verdicts(result: AuditResult): string[] {
  return result.findings
    .filter((f) => STRUCTURAL.has(f.rule))
    .map((f) => `${f.rule} ${f.table}.${f.index ?? f.constraint}${f.coveredBy ? ` < ${f.coveredBy}` : ''}`)
    .sort();
}

/** Where `needle` starts in `file`: 1-based line and column of its first occurrence. */
async function positionOf(file: string, needle: string): Promise<{ file: string; line: number; column: number }> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  if (line < 0) throw new Error(`${needle} not in ${file}`);
  return { file, line: line + 1, column: lines[line]!.indexOf(needle) + 1 };
}

function findingOn(result: AuditResult, rule: string, object: string): Finding {
  const found = result.findings.find((f) => f.rule === rule && (f.index ?? f.constraint) === object);
  if (!found) throw new Error(`no ${rule} on ${object}`);
  return found;
}

/**
 * The seed's problems, with dbdoctor's verdicts: two single-column indexes on api_keys.user_id
 * (one goes as a duplicate, the other is a left prefix of (user_id, is_active)); the index=True on
 * experiments.dataset_id next to a module-level Index on it; the composite the unique constraint
 * already is; the junction table's index on its key's leading column; and a foreign key
 * PostgreSQL does not index by itself. `email_logs.status` stays: (user_id, status) cannot serve it.
 */
const SEED_VERDICTS = [
  'duplicate-index api_keys.ix_api_keys_user_id_again < ix_api_keys_user_id',
  'duplicate-index experiments.ix_experiments_dataset_id < idx_experiments_dataset_id',
  'duplicate-index notification_preferences.ix_notification_preferences_user_event < uq_user_event_type',
  'redundant-index api_keys.ix_api_keys_user_id < ix_api_keys_user_active',
  'redundant-index experiment_tags.ix_experiment_tags_experiment_id < experiment_tags_pkey',
  'unindexed-foreign-key email_logs.email_logs_api_key_id_fkey',
];

describe('SQLAlchemy models, read by importing them', () => {
  let result: AuditResult;
  beforeAll(async () => {
    result = await audit(SEED, await pythonWithAlembic());
  });

  test("the seed's duplicates and redundancies, with correct verdicts where the seed is wrong", () => {
    expect(verdicts(result)).toEqual(SEED_VERDICTS);
    expect(result.findings.map((f) => f.index)).not.toContain('ix_email_logs_status');
    expect(result.summary.limitations).toContainEqual(expect.stringMatching(/^models read by importing them with .* \(SQLAlchemy \d/));
  });

  test('findings point at the Index(...) entry, the index=True column, the unique constraint, the foreign-key column', async () => {
    expect(findingOn(result, 'duplicate-index', 'ix_api_keys_user_id_again').location).toEqual(
      await positionOf(`${SEED}/api_key.py`, 'Index("ix_api_keys_user_id_again"'),
    );
    expect(findingOn(result, 'duplicate-index', 'ix_experiments_dataset_id').location).toEqual(
      await positionOf(`${SEED}/experiment.py`, 'dataset_id = sa.Column'),
    );
    expect(findingOn(result, 'duplicate-index', 'ix_notification_preferences_user_event').location).toEqual(
      await positionOf(`${SEED}/notification_preference.py`, 'Index("ix_notification_preferences_user_event"'),
    );
    expect(findingOn(result, 'redundant-index', 'ix_experiment_tags_experiment_id').location).toEqual(
      await positionOf(`${SEED}/experiment.py`, 'sa.Index("ix_experiment_tags_experiment_id"'),
    );
    expect(findingOn(result, 'unindexed-foreign-key', 'email_logs_api_key_id_fkey').location).toEqual(
      await positionOf(`${SEED}/email_log.py`, 'api_key_id = Column'),
    );
  });

  test('the same models give the same report every run (SQLAlchemy keeps indexes in a set)', async () => {
    const again = await audit(SEED, await pythonWithAlembic());
    expect(again.findings.map((f) => f.fingerprint)).toEqual(result.findings.map((f) => f.fingerprint));
  });
});

describe('SQLAlchemy models, read statically', () => {
  test('without a Python with SQLAlchemy: the same verdicts and locations, and the report says how the models were read', async () => {
    const exact = await audit(SEED, await pythonWithAlembic());
    const statically = await audit(SEED, '/nonexistent/python3');
    expect(verdicts(statically)).toEqual(SEED_VERDICTS);
    expect(statically.findings.filter((f) => STRUCTURAL.has(f.rule)).map((f) => f.location)).toEqual(
      exact.findings.filter((f) => STRUCTURAL.has(f.rule)).map((f) => f.location),
    );
    expect(statically.summary.limitations).toContainEqual('no Python with SQLAlchemy: tried /nonexistent/python3 (not found)');
    expect(statically.summary.limitations).toContainEqual(expect.stringMatching(/^models read statically \(without running them\)/));
  });

  test('a module that cannot be imported (SQLAlchemy 2.0 mapped_column on 1.4) is read statically; a foreign key into it still counts', async () => {
    const result = await audit(MIXED, await pythonWithAlembic());
    expect(verdicts(result)).toEqual([
      'duplicate-index customers.ix_customers_email_plain < ix_customers_email',
      'unindexed-foreign-key orders.orders_customer_id_fkey',
    ]);
    expect(result.summary.limitations).toContainEqual(
      expect.stringMatching(/^model module customers could not be imported \(ImportError: cannot import name 'mapped_column'/),
    );
    expect(result.summary.limitations).toContainEqual('customers: read statically from the files that could not be imported');
    expect(findingOn(result, 'duplicate-index', 'ix_customers_email_plain').location).toEqual(
      await positionOf(`${MIXED}/customers.py`, 'Index("ix_customers_email_plain"'),
    );
  });

  test('Flask-SQLAlchemy shapes: db.Model names, joined and single-table inheritance, column_property, a helper from another module', async () => {
    const app = 'test/fixtures/models/flask_app';
    const result = await audit(app, '/nonexistent/python3');
    // account and api_token are named by Flask-SQLAlchemy; Wrong shares entries; Correct has its own table.
    expect(result.summary.tables).toBe(5);
    expect(verdicts(result)).toEqual([
      'unindexed-foreign-key api_token.api_token_account_id_fkey',
      'unindexed-foreign-key correct_entries.correct_entries_account_id_fkey',
      'unindexed-foreign-key entries.entries_account_id_fkey',
    ]);
    expect(findingOn(result, 'unindexed-foreign-key', 'correct_entries_account_id_fkey').location).toEqual(
      await positionOf(`${app}/app.py`, 'account_id = column_property'),
    );
  });
});
