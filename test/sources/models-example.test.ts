/**
 * `dbdoctor audit examples/sqlalchemy-app/models`, row by row through the seed's "Examples of
 * Duplicates" table (docs: the seed audit). A column with `index=True` that is the leading column
 * of a composite, an Index(...) or a unique constraint is reported at the line that declares it; a
 * column that is only a later column of a composite is not, because a B-tree on (a, b) cannot
 * serve a lookup on b alone. Foreign keys whose columns lead no index are reported: PostgreSQL
 * does not index them by itself.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Finding } from '../../src/rules/types.js';
import { runCommand } from '../helpers/cli.js';
import { pythonWithAlembic } from '../helpers/python.js';

const MODELS = 'examples/sqlalchemy-app/models';
const STRUCTURAL = new Set(['duplicate-index', 'redundant-index']);

let findings: Finding[];

/** 1-based line of the first line of a model file containing `needle`. */
async function lineOf(file: string, needle: string): Promise<number> {
  const line = (await readFile(`${MODELS}/${file}`, 'utf8')).split('\n').findIndex((l) => l.includes(needle));
  if (line < 0) throw new Error(`${needle} not in ${file}`);
  return line + 1;
}

/** The duplicate/redundant verdicts on one index: `rule < covering index`. */
function verdictsOn(index: string): string[] {
  return findings.filter((f) => STRUCTURAL.has(f.rule) && f.index === index).map((f) => `${f.rule} < ${f.coveredBy}`);
}

beforeAll(async () => {
  const audit = await runCommand(['audit', MODELS, '--format', 'json', '--fail-on', 'none', '--python', await pythonWithAlembic()]);
  expect(audit.code, audit.stderr).toBe(0);
  findings = (JSON.parse(audit.stdout) as { findings: Finding[] }).findings;
}, 60_000);

/** The seed's rows whose column leads the covering index: reported, at the declaring line. */
const REPORTED = [
  {
    file: 'api_key.py',
    index: 'ix_api_keys_user_id',
    at: 'Index("ix_api_keys_user_id"',
    verdict: 'redundant-index < ix_api_keys_user_active',
  },
  { file: 'email_log.py', index: 'ix_email_logs_user_id', at: 'user_id = Column', verdict: 'redundant-index < ix_email_logs_user_status' },
  {
    file: 'email_log.py',
    index: 'ix_email_logs_event_type',
    at: 'event_type = Column',
    verdict: 'redundant-index < ix_email_logs_event_sent',
  },
  {
    file: 'webhook_configuration.py',
    index: 'ix_webhook_configurations_user_id',
    at: 'user_id = Column',
    verdict: 'duplicate-index < idx_webhook_configurations_user',
  },
  {
    file: 'webhook_configuration.py',
    index: 'ix_webhook_configurations_is_active',
    at: 'is_active = Column',
    verdict: 'redundant-index < ix_webhook_configurations_active_provider',
  },
  {
    file: 'notification_preference.py',
    index: 'ix_notification_preferences_user_id',
    at: 'user_id = Column',
    verdict: 'redundant-index < uq_user_event_type',
  },
  {
    file: 'notification_preference.py',
    index: 'ix_notification_preferences_user_event',
    at: 'Index("ix_notification_preferences_user_event"',
    verdict: 'duplicate-index < uq_user_event_type',
  },
  {
    file: 'experiment.py',
    index: 'ix_experiments_dataset_id',
    at: 'dataset_id = sa.Column',
    verdict: 'duplicate-index < idx_experiments_dataset_id',
  },
] as const;

/** The seed's rows whose column is only a later column of a composite: no composite serves them. */
const NOT_REDUNDANT = [
  'ix_api_keys_is_active', // (user_id, is_active)
  'ix_email_logs_status', // (user_id, status)
  'ix_webhook_configurations_provider_type', // (user_id, provider_type), (is_active, provider_type)
  'ix_experiments_status', // (user_id, status)
  'ix_notification_preferences_event_type', // unique (user_id, event_type)
];

describe("the example application against the seed's table of duplicates", () => {
  test.each(REPORTED)('$file: $index is reported as $verdict at its declaring line', async ({ file, index, at, verdict }) => {
    expect(verdictsOn(index)).toEqual([verdict]);
    const finding = findings.find((f) => STRUCTURAL.has(f.rule) && f.index === index)!;
    expect(finding.location).toMatchObject({ file: `${MODELS}/${file}`, line: await lineOf(file, at) });
  });

  test.each(NOT_REDUNDANT)('%s is not reported as duplicate or redundant: it is not the leading column of any other index', (index) => {
    expect(verdictsOn(index)).toEqual([]);
  });

  test('each foreign key whose columns lead no index is reported at its column; those a composite leads are not', async () => {
    const unindexed = findings.filter((f) => f.rule === 'unindexed-foreign-key');
    expect(unindexed.map((f) => `${f.constraint} ${f.location?.file}:${f.location?.line}`).sort()).toEqual([
      `email_logs_api_key_id_fkey ${MODELS}/email_log.py:${await lineOf('email_log.py', 'api_key_id = Column')}`,
      `webhook_logs_webhook_configuration_id_fkey ${MODELS}/webhook_log.py:${await lineOf('webhook_log.py', 'webhook_configuration_id = Column')}`,
    ]);
    // api_keys.user_id leads (user_id, is_active) and experiments.user_id leads (user_id, status).
    expect(unindexed.map((f) => f.table)).not.toContain('api_keys');
    expect(unindexed.map((f) => f.table)).not.toContain('experiments');
  });

  test('the next steps fix the models where they are declared: an Alembic revision, models.patch and git apply', async () => {
    const report = await runCommand(['audit', MODELS, '--format', 'markdown', '--fail-on', 'none', '--python', await pythonWithAlembic()]);
    expect(report.stdout).toContain(`dbdoctor fix ${MODELS} --rule redundant-index --format alembic --output dbdoctor-migration`);
    expect(report.stdout).toContain('git apply dbdoctor-migration/models.patch');
    // A models folder is no database: nothing is applied to it.
    expect(report.stdout).not.toMatch(/dbdoctor apply \S*models/);
    expect(report.stdout).toMatch(/\*\*Success Criteria\*\*: \d+ of \d+ met, \d+ not measurable here/);
  });
});
