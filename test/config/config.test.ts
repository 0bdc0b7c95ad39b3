import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { applyIgnores, ruleOptionsFromConfig, tableOverridesFromConfig } from '../../src/config/apply.js';
import { expandEnv, loadConfig, parseConfig } from '../../src/config/load.js';
import { configJsonSchemaText } from '../../src/config/schema.js';
import { UserError } from '../../src/util/errors.js';
import { DEFAULT_RULE_OPTIONS, type Finding } from '../../src/rules/types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-config-'));
});

function finding(extra: Partial<Finding>): Finding {
  return { rule: 'unused-index', severity: 'medium', schema: 'public', table: 'events', message: 'm', help: 'h', evidence: {}, ...extra };
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected an error');
  return error;
}

describe('loading', () => {
  test('JSON in the working directory, with every part', async () => {
    await writeFile(
      join(dir, 'dbdoctor.config.json'),
      JSON.stringify({
        tables: { 'public.events': 'log', tags: 'junction' },
        thresholds: { logMinInserts: 50, trafficRowThreshold: 10 },
        ignore: [{ rule: 'unused-index', table: 'events', index: 'events_kind_idx', reason: 'used by the month-end report' }],
        minStatsAgeDays: 14,
        replicas: ['postgres://replica-1/app'],
      }),
    );
    const loaded = await loadConfig(undefined, dir);
    expect(loaded?.path).toBe(join(dir, 'dbdoctor.config.json'));
    const config = loaded!.config;
    expect(ruleOptionsFromConfig(config)).toEqual({ logMinInserts: 50, trafficRowThreshold: 10, minStatsAgeDays: 14 });
    expect(tableOverridesFromConfig(config)).toEqual([
      { schema: 'public', table: 'events', type: 'log' },
      { schema: null, table: 'tags', type: 'junction' },
    ]);
    expect(config.replicas).toEqual(['postgres://replica-1/app']);
  });

  test('YAML, by extension, given with --config', async () => {
    const file = join(dir, 'custom.yml');
    await writeFile(
      file,
      'tables:\n  public.audit_log: log\nignore:\n  - rule: table-without-primary-key\n    table: staging\n    reason: bulk-loaded and truncated nightly\n',
    );
    const loaded = await loadConfig('custom.yml', dir);
    expect(loaded?.config.ignore?.[0]).toMatchObject({ rule: 'table-without-primary-key', reason: 'bulk-loaded and truncated nightly' });
  });

  test('no file: no configuration', async () => {
    expect(await loadConfig(undefined, dir)).toBeNull();
  });

  test('two config files in one folder are an error, not a silent choice', async () => {
    await writeFile(join(dir, 'dbdoctor.config.json'), '{}');
    await writeFile(join(dir, 'dbdoctor.config.yaml'), '{}');
    expect((await errorOf(loadConfig(undefined, dir))).message).toMatch(/several config files/);
  });

  test('every numeric rule option is accepted as a threshold, including ones added later', () => {
    const numeric = Object.entries(DEFAULT_RULE_OPTIONS).filter(([, v]) => typeof v === 'number');
    const thresholds = Object.fromEntries(numeric.map(([k]) => [k, 1]));
    expect(ruleOptionsFromConfig(parseConfig({ thresholds }, 'test'))).toEqual(thresholds);
  });
});

describe('invalid configuration: one line with the file, the path and the problem', () => {
  const cases: [string, unknown, RegExp][] = [
    ['a reason is required', { ignore: [{ rule: 'unused-index', table: 't' }] }, /ignore\[0\]\.reason: /],
    ['an empty reason is refused', { ignore: [{ rule: 'unused-index', reason: '  ' }] }, /ignore\[0\]\.reason: /],
    ['an unknown table type', { tables: { 'public.t': 'logs' } }, /tables\["public\.t"\]: /],
    ['an unknown threshold', { thresholds: { noSuchOption: 3 } }, /thresholds: unknown key "noSuchOption"/],
    ['a threshold that is not a number', { thresholds: { logMinInserts: 'many' } }, /thresholds\.logMinInserts: /],
    ['a negative minimum age', { minStatsAgeDays: -1 }, /minStatsAgeDays: /],
    ['an unknown top-level key', { tabels: {} }, /\(top level\): unknown key "tabels"/],
    ['a table name with too many dots', { tables: { 'a.b.c': 'log' } }, /tables\["a\.b\.c"\]: a table name is "table" or "schema\.table"/],
  ];
  for (const [name, data, message] of cases) {
    test(name, () => {
      let error: unknown = null;
      try {
        parseConfig(data, 'dbdoctor.config.json');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      const text = (error as Error).message;
      expect(text).toMatch(/^invalid config dbdoctor\.config\.json: /);
      expect(text).toMatch(message);
      expect(text).not.toContain('\n');
    });
  }

  test('malformed JSON and YAML name the file', async () => {
    await writeFile(join(dir, 'dbdoctor.config.json'), '{ "tables": ');
    expect((await errorOf(loadConfig(undefined, dir))).message).toMatch(/dbdoctor\.config\.json: not valid JSON/);
    const yaml = join(dir, 'bad.yaml');
    await writeFile(yaml, 'tables: [unclosed\n');
    const error = await errorOf(loadConfig(yaml, dir));
    expect(error.message).toMatch(/bad\.yaml: not valid YAML/);
    expect(error.message).not.toContain('\n');
  });

  test('a missing --config file', async () => {
    expect((await errorOf(loadConfig('nope.json', dir))).message).toMatch(/cannot read config .*nope\.json: ENOENT/);
  });
});

describe('replica URLs reference the environment', () => {
  test('${VAR} is replaced', () => {
    expect(expandEnv('${REPLICA_URL}', { REPLICA_URL: 'postgres://r/db' }, 'replicas[0]')).toBe('postgres://r/db');
  });
  test('an unset variable is an error, not an empty URL', () => {
    expect(() => expandEnv('${NOPE}', {}, 'replicas[0]')).toThrow(/replicas\[0\]: environment variable NOPE is not set/);
  });
});

describe('ignore', () => {
  test('matches rule and every object named; the first matching entry gives the reason', () => {
    const a = finding({ index: 'events_kind_idx' });
    const b = finding({ index: 'events_other_idx' });
    const c = finding({ rule: 'duplicate-index', index: 'events_kind_idx' });
    const d = finding({ rule: 'monitoring-not-ready', schema: '', table: 'app', subject: 'track_io_timing' });
    const { kept, suppressed } = applyIgnores(
      [a, b, c, d],
      [
        { rule: 'unused-index', table: 'public.events', index: 'events_kind_idx', reason: 'month-end report' },
        { rule: 'unused-index', schema: 'other', reason: 'other schema' },
        { rule: 'monitoring-not-ready', subject: 'track_io_timing', reason: 'slow clock on this VM' },
      ],
    );
    expect(kept).toEqual([b, c]);
    expect(suppressed).toEqual([
      { finding: a, reason: 'month-end report' },
      { finding: d, reason: 'slow clock on this VM' },
    ]);
  });
});

test('the published JSON schema is the one the zod schema generates (npm run schema)', async () => {
  const committed = await readFile(new URL('../../schema/dbdoctor.config.schema.json', import.meta.url), 'utf8');
  expect(committed).toBe(configJsonSchemaText());
  const schema = JSON.parse(committed) as { properties: { thresholds: { properties: Record<string, unknown> } } };
  const numeric = Object.entries(DEFAULT_RULE_OPTIONS).filter(([, v]) => typeof v === 'number');
  expect(Object.keys(schema.properties.thresholds.properties).sort()).toEqual(numeric.map(([k]) => k).sort());
});
