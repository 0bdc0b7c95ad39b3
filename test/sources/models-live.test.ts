/**
 * `dbdoctor audit postgres://… --models app/models`: a live database created from the seed's models
 * by SQLAlchemy, then changed by hand (an index nobody declared, a declared index dropped). The
 * live findings point at the model lines, and model-drift reports both kinds of drift.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Finding } from '../../src/rules/types.js';
import { runCommand } from '../helpers/cli.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';
import { pythonWithAlembic, sqlalchemyUrl } from '../helpers/python.js';

const run = promisify(execFile);
const APP = 'examples/sqlalchemy-app';
const MODELS = `${APP}/models`;
const HARNESS = fileURLToPath(new URL('./models-alembic.py', import.meta.url));

let database: TestDatabase;
let findings: Finding[];

async function lineOf(file: string, needle: string): Promise<number> {
  return (await readFile(file, 'utf8')).split('\n').findIndex((l) => l.includes(needle)) + 1;
}

beforeAll(async () => {
  database = await createServerDatabase();
  await run(await pythonWithAlembic(), [HARNESS, APP, sqlalchemyUrl(database.url!), 'create']);
  await database.exec('CREATE INDEX users_name_by_hand ON users (name); DROP INDEX ix_users_is_active');
  // SQLAlchemy creates a table's indexes in no fixed order; rebuilt last, this one is the younger duplicate.
  await database.exec(
    'DROP INDEX ix_webhook_configurations_user_id; CREATE INDEX ix_webhook_configurations_user_id ON webhook_configurations (user_id)',
  );
  const audit = await runCommand(['audit', database.url!, '--models', MODELS, '--format', 'json', '--fail-on', 'none']);
  expect(audit.code, audit.stderr).toBe(0);
  findings = (JSON.parse(audit.stdout) as { findings: Finding[] }).findings;
}, 60_000);

afterAll(async () => {
  await database?.close();
});

describe('a live database with its models (--models)', () => {
  test("the live database's findings point at the model lines that declare the objects", async () => {
    const duplicate = findings.find((f) => f.rule === 'duplicate-index' && f.table === 'webhook_configurations')!;
    expect(duplicate).toMatchObject({ index: 'ix_webhook_configurations_user_id', coveredBy: 'idx_webhook_configurations_user' });
    expect(duplicate.location).toMatchObject({
      file: `${MODELS}/webhook_configuration.py`,
      line: await lineOf(`${MODELS}/webhook_configuration.py`, 'user_id = Column'),
    });
  });

  test('model-drift: an index only the database has, and a declared index the database lacks, each once', async () => {
    const drift = findings
      .filter((f) => f.rule === 'model-drift')
      .map((f) => `${f.table}.${f.index} ${JSON.stringify(f.evidence.direction)}`);
    expect(drift.sort()).toEqual([
      'users.ix_users_is_active "declared-not-in-database"',
      'users.users_name_by_hand "in-database-not-declared"',
    ]);
    const missing = findings.find((f) => f.rule === 'model-drift' && f.index === 'ix_users_is_active')!;
    expect(missing.location).toMatchObject({ file: `${MODELS}/user.py`, line: await lineOf(`${MODELS}/user.py`, 'is_active = Column') });
  });

  test('model-drift is silent when the database is exactly what the models create', async () => {
    const fresh = await createServerDatabase();
    try {
      await run(await pythonWithAlembic(), [HARNESS, APP, sqlalchemyUrl(fresh.url!), 'create']);
      const audit = await runCommand(['audit', fresh.url!, '--models', MODELS, '--format', 'json', '--fail-on', 'none']);
      expect(audit.code, audit.stderr).toBe(0);
      expect((JSON.parse(audit.stdout) as { findings: Finding[] }).findings.filter((f) => f.rule === 'model-drift')).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
