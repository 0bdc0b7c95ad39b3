/**
 * SQLAlchemy models as an audit target (examples/sqlalchemy-app, the seed's application, and
 * test/fixtures/models for shapes the example does not use): the exact reader (Debian's SQLAlchemy imports the models and compiles
 * their DDL), the static reader (tree-sitter-python, no Python run), both giving the same
 * verdicts, and findings pointing at the model lines, found in the fixture text.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, test } from 'vitest';
import { auditTarget } from '../../src/audit/run-target.js';
import type { AuditResult } from '../../src/audit/types.js';
import type { Finding } from '../../src/rules/types.js';
import { openAuditTarget } from '../../src/sources/open-target.js';
import { reporters } from '../../src/report/index.js';
import { pythonWithAlembic } from '../helpers/python.js';

const SEED = 'examples/sqlalchemy-app/models';
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
 * The example's problems, with dbdoctor's verdicts (test/sources/models-example.test.ts goes
 * through the seed's table row by row): index=True beside an Index(...) on the same column, a
 * composite the unique constraint already is, single-column indexes that are left prefixes of a
 * composite, a unique constraint or the junction table's primary key, and the foreign keys
 * PostgreSQL does not index by itself. `email_logs.status` stays: (user_id, status) cannot serve it.
 */
const SEED_VERDICTS = [
  'duplicate-index experiments.ix_experiments_dataset_id < idx_experiments_dataset_id',
  'duplicate-index notification_preferences.ix_notification_preferences_user_event < uq_user_event_type',
  'duplicate-index webhook_configurations.ix_webhook_configurations_user_id < idx_webhook_configurations_user',
  'redundant-index api_keys.ix_api_keys_user_id < ix_api_keys_user_active',
  'redundant-index datasets.ix_datasets_owner_id < uq_datasets_owner_name',
  'redundant-index email_logs.ix_email_logs_event_type < ix_email_logs_event_sent',
  'redundant-index email_logs.ix_email_logs_user_id < ix_email_logs_user_status',
  'redundant-index experiment_tags.ix_experiment_tags_experiment_id < experiment_tags_pkey',
  'redundant-index notification_preferences.ix_notification_preferences_user_id < uq_user_event_type',
  'redundant-index webhook_configurations.idx_webhook_configurations_user < ix_webhook_configurations_user_provider',
  'redundant-index webhook_configurations.ix_webhook_configurations_is_active < ix_webhook_configurations_active_provider',
  'unindexed-foreign-key email_logs.email_logs_api_key_id_fkey',
  'unindexed-foreign-key webhook_logs.webhook_logs_webhook_configuration_id_fkey',
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
    expect(findingOn(result, 'redundant-index', 'ix_api_keys_user_id').location).toEqual(
      await positionOf(`${SEED}/api_key.py`, 'Index("ix_api_keys_user_id"'),
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

  test("the markdown report has the seed's table: model file and line, column, index, what covers it, the verdict", () => {
    const markdown = reporters.markdown.render(result, { color: false });
    expect(markdown).toContain('\n## Model Declarations\n');
    expect(markdown).toMatch(
      /\| `examples\/sqlalchemy-app\/models\/notification_preference\.py:\d+` \| notification_preferences \| user_id, event_type \| `ix_notification_preferences_user_event` \| uq_user_event_type \| remove the declaration \|/,
    );
    expect(markdown).toMatch(
      /\| `[^`]*email_log\.py:\d+` \| email_logs \| api_key_id \| `email_logs_api_key_id_idx` \| unindexed-foreign-key \| declare the new index \|/,
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

  test('SQLAlchemy 2.0 style without any Python: Mapped[...], mapped_column(index=True), __table_args__ give the verdicts at their lines', async () => {
    const app = 'test/fixtures/models/modern_app';
    const result = await audit(app, '/nonexistent/python3');
    // The unnamed Index(None, "project_id", "status") leads with project_id, so index=True on it is a left prefix;
    // assignee_id's foreign key leads no index. Names follow the Base's naming_convention.
    expect(verdicts(result)).toEqual([
      'redundant-index tasks.ix_tasks_project_id < ix_tasks_project_id_status',
      'unindexed-foreign-key tasks.fk_tasks_assignee_id',
    ]);
    expect(findingOn(result, 'redundant-index', 'ix_tasks_project_id').location).toEqual(
      await positionOf(`${app}/models.py`, 'project_id: Mapped[int] = mapped_column(ForeignKey'),
    );
    expect(findingOn(result, 'unindexed-foreign-key', 'fk_tasks_assignee_id').location).toEqual(
      await positionOf(`${app}/models.py`, 'assignee_id: Mapped'),
    );
    // A bare annotation (`due_at: Mapped[datetime | None]`) is a column too.
    const tasks = result.model.tables.find((t) => t.name === 'tasks')!;
    expect(tasks.columns.map((c) => c.name)).toEqual(['id', 'project_id', 'assignee_id', 'status', 'due_at']);
    // SQLAlchemy 2.0's rule: a mapped column is NOT NULL unless its Mapped[...] allows None (Optional, `| None`,
    // Union with None) or nullable= says otherwise; a primary key is NOT NULL.
    const notNull = (table: string): Record<string, boolean> =>
      Object.fromEntries(result.model.tables.find((t) => t.name === table)!.columns.map((c) => [c.name, c.notNull]));
    expect(notNull('tasks')).toEqual({ id: true, project_id: true, assignee_id: false, status: true, due_at: false });
    expect(notNull('projects')).toEqual({
      id: true,
      name: true,
      archived: true,
      code: false,
      legacy_id: false,
      score: false,
      rank: true,
    });
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

/** Every index of a model as `table name (columns) unique? line:column`, sorted. */
function indexSet(result: AuditResult): string[] {
  return result.model.indexes
    .map((i) => {
      const at = i.location ? `${i.location.line}:${i.location.column}` : '-';
      return `${i.table} ${i.name} (${i.keys.map((k) => k.column).join(', ')})${i.unique ? ' unique' : ''} ${at}`;
    })
    .sort();
}

describe('naming conventions and declared_attr mixins, read both ways', () => {
  const CONVENTION = 'test/fixtures/models/convention_app';

  test('a convention given as a module dict, pk/fk/uq/ix templates, a declared_attr column: the static reading matches the import', async () => {
    const exact = await audit(CONVENTION, await pythonWithAlembic());
    const statically = await audit(CONVENTION, '/nonexistent/python3');
    const file = `${CONVENTION}/models.py`;
    const line = async (needle: string): Promise<string> => {
      const at = await positionOf(file, needle);
      return `${at.line}:${at.column}`;
    };
    expect(indexSet(exact)).toEqual([
      `accounts pk_accounts (id) unique ${await line('id = sa.Column(sa.Integer, primary_key=True)')}`,
      `accounts uq_accounts_slug (slug) unique ${await line('slug = ')}`,
      `invoices ix_invoices_account_id (account_id) ${await line('account_id(cls)')}`,
      `invoices ix_invoices_account_state (account_id, state) ${await line('sa.Index("ix_invoices_account_state"')}`,
      `invoices ix_invoices_state (state) ${await line('state = ')}`,
      `invoices pk_invoices (id) unique 37:5`,
      `invoices uq_invoices_account_id (account_id, number) unique ${await line('sa.UniqueConstraint("account_id", "number")')}`,
      `payments ix_payments_paid_at (paid_at) ${await line('sa.Index("ix_payments_paid_at"')}`,
      `payments payments_pk (id) unique ${await line('sa.PrimaryKeyConstraint("id", name="payments_pk")')}`,
    ]);
    expect(indexSet(statically)).toEqual(indexSet(exact));
    const foreignKeys = (r: AuditResult): string[] => r.model.foreignKeys.map((f) => `${f.name} ${f.location?.line ?? '-'}`).sort();
    expect(foreignKeys(exact)).toEqual([`fk_invoices_account_id_accounts 17`, `fk_payments_invoice_id_invoices 46`]);
    expect(foreignKeys(statically)).toEqual(foreignKeys(exact));
  });

  test('2.0 models inside DeclarativeBase with metadata = MetaData(naming_convention=...): the convention names pk, fk and composite indexes', async () => {
    const result = await audit('test/fixtures/models/modern_app', await pythonWithAlembic());
    expect(result.summary.limitations).toContainEqual(
      expect.stringMatching(/could not be imported \(ImportError: cannot import name 'DeclarativeBase'/),
    );
    expect(indexSet(result)).toEqual([
      'projects ix_projects_archived (archived) 26:5',
      'projects pk_projects (id) unique 24:5',
      'projects uq_projects_name (name) unique 25:5',
      'tasks ix_tasks_project_id (project_id) 39:5',
      'tasks ix_tasks_project_id_status (project_id, status) 36:23',
      'tasks pk_tasks (id) unique 38:5',
    ]);
    expect(result.model.foreignKeys.map((f) => f.name).sort()).toEqual(['fk_tasks_assignee_id', 'fk_tasks_project_id']);
  });
});

describe('SQLAlchemy models compiled for SQLite (--dialect sqlite)', () => {
  test('the SQLite DDL in an in-memory SQLite: the same findings at the same lines as on PostgreSQL', async () => {
    const python = await pythonWithAlembic();
    const onSqlite = await openAuditTarget(SEED, { python, dialect: 'sqlite' });
    let sqlite: AuditResult;
    try {
      sqlite = await auditTarget(onSqlite);
    } finally {
      await onSqlite.close();
    }
    const postgres = await audit(SEED, python);
    expect(sqlite.target.dialect).toBe('sqlite');
    expect(sqlite.summary.limitations).toContainEqual(expect.stringMatching(/compiling their SQLite DDL$/));
    // The constraints' indexes have SQLite's own names (sqlite_autoindex_…); the findings and their places do not change.
    const structural = (r: AuditResult): string[] =>
      r.findings
        .filter((f) => STRUCTURAL.has(f.rule))
        .map((f) => `${f.rule} ${f.table}.${f.index ?? f.constraint} ${JSON.stringify(f.location)}`);
    expect(structural(sqlite).sort()).toEqual(structural(postgres).sort());
  });

  test('models that cannot all be imported are refused for SQLite in one line', async () => {
    await expect(openAuditTarget(MIXED, { python: await pythonWithAlembic(), dialect: 'sqlite' })).rejects.toThrow(
      /^--dialect sqlite needs every model imported \(customers: ImportError/,
    );
  });
});
