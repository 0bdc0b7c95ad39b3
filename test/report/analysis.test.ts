import { describe, expect, test } from 'vitest';
import {
  analyze,
  createdIndexes,
  droppedIndexNames,
  estimateSavings,
  nextSteps,
  shellWord,
  statisticsFacts,
  successCriteria,
  tableStrategies,
  type CheckItem,
} from '../../src/report/analysis/index.js';
import type { Finding } from '../../src/rules/types.js';
import { makeFindings, makeRichResult, withFix } from './fixture.js';
import { newIndexSpec, plainKey, type FixAction } from '../../src/model/actions.js';
import { postgresEmitter } from '../../src/dialects/postgres/ddl.js';

function check(items: readonly CheckItem[], id: string): CheckItem {
  const item = items.find((c) => c.id === id);
  expect(item, id).toBeDefined();
  return item!;
}

const model = makeRichResult().model;
const dropOf = (name: string): FixAction => ({ kind: 'drop-index', index: model.indexes.find((x) => x.name === name)!, attached: [] });

const overIndexed: Finding = withFix({
  rule: 'over-indexed-table',
  severity: 'medium',
  schema: 'public',
  table: 'orders',
  message: 'public.orders is a log table with 3 indexes.',
  help: 'Drop two of them.',
  evidence: {},
  actions: [dropOf('orders_user_id_idx'), dropOf('orders_user_id_created_at_idx')],
});

describe('what fixes do, read from their actions', () => {
  test('drops: every index a drop action names, through a constraint too; creates drop nothing', () => {
    expect(droppedIndexNames(overIndexed)).toEqual(['orders_user_id_idx', 'orders_user_id_created_at_idx']);
    const key = model.indexes.find((x) => x.name === 'users_email_key')!;
    expect(droppedIndexNames({ ...overIndexed, actions: [{ kind: 'drop-constraint', index: key }] })).toEqual(['users_email_key']);
    const [fk] = makeFindings().filter((f) => f.rule === 'unindexed-foreign-key');
    expect(droppedIndexNames(fk!)).toEqual([]);
  });

  test('creates: name, keys as a person reads them, and the definition the dialect writes', () => {
    const [fk] = makeFindings().filter((f) => f.rule === 'unindexed-foreign-key');
    const describe = (spec: Parameters<typeof postgresEmitter.describeCreate>[0]): string => postgresEmitter.describeCreate(spec);
    expect(createdIndexes(fk!, describe).map((c) => [c.name, c.keys, c.definition])).toEqual([
      ['orders_product_id_idx', 'product_id', 'CREATE INDEX orders_product_id_idx ON public.orders (product_id)'],
    ]);
  });
});

describe('strategy by table type', () => {
  const result = makeRichResult();
  const strategies = tableStrategies(result);

  test('every table, with its classification', () => {
    expect(strategies.map((s) => [s.table, s.type, s.confidence])).toEqual([
      ['users', 'transaction', 'high'],
      ['orders', 'log', 'medium'],
      ['<b>"odd" & ünïcode</b>', 'unknown', 'low'],
    ]);
    expect(strategies[0]!.evidence).toEqual(['reads outnumber writes 40 to 1']);
  });

  test('recommended set = current - dropped + created', () => {
    const users = strategies[0]!;
    expect(users.current.map((e) => e.name)).toEqual(['idx_users_email', 'users_email_key', 'users_pkey']);
    expect(users.dropped.map((e) => e.name)).toEqual(['idx_users_email']);
    expect(users.recommended).toEqual(['users_email_key', 'users_pkey']);
    const orders = strategies[1]!;
    expect(orders.dropped.map((e) => e.name)).toEqual(['orders_user_id_idx']);
    expect(orders.created.map((c) => c.name)).toEqual(['orders_product_id_idx']);
    expect(orders.recommended).toEqual(['orders_pkey', 'orders_user_id_created_at_idx', 'orders_product_id_idx']);
  });

  test('an index two findings drop is dropped once, naming both rules; the index another drop relies on stays', () => {
    const both = tableStrategies(makeRichResult({ findings: [...makeFindings(), overIndexed] }))[1]!;
    expect(both.dropped.map((e) => [e.name, e.droppedBy.map((f) => f.rule)])).toEqual([
      ['orders_user_id_idx', ['redundant-index', 'over-indexed-table']],
    ]);
    const kept = both.current.find((e) => e.name === 'orders_user_id_created_at_idx')!;
    expect(kept.keptBecause).toBe(
      'public.orders_user_id_created_at_idx is not dropped: orders_user_id_idx is dropped in this plan because orders_user_id_created_at_idx covers it',
    );
  });
});

describe('savings', () => {
  test('bytes of dropped indexes and index writes per insert and since the reset', () => {
    const savings = estimateSavings(tableStrategies(makeRichResult()));
    const users = savings.tables.find((t) => t.table === 'users')!;
    // idx_users_email: 1,258,291 bytes; 100 inserts + (50 - 20 HOT) updates, deletes write no index entry.
    expect(users).toMatchObject({
      droppedIndexes: 1,
      droppedBytes: 1_258_291,
      indexWritesPerInsertBefore: 3,
      indexWritesPerInsertAfter: 2,
      indexWritesSinceReset: 130,
    });
    const orders = savings.tables.find((t) => t.table === 'orders')!;
    // One dropped, one created: per insert 3 → 3; 1,000 inserts, all updates HOT.
    expect(orders).toMatchObject({
      droppedIndexes: 1,
      createdIndexes: 1,
      droppedBytes: 8192,
      indexWritesPerInsertBefore: 3,
      indexWritesPerInsertAfter: 3,
      indexWritesSinceReset: 1000,
    });
    expect(savings.droppedBytes).toBe(1_258_291 + 8192);
    expect(savings.indexWritesSinceReset).toBe(1130);
    expect(savings.tables.some((t) => t.table.includes('odd'))).toBe(false);
  });

  test('unknown writes stay unknown', () => {
    const result = makeRichResult();
    const model = { ...result.model, tables: result.model.tables.map((t) => ({ ...t, usage: null })) };
    const savings = estimateSavings(tableStrategies({ ...result, model }));
    expect(savings.indexWritesSinceReset).toBeNull();
    expect(savings.droppedBytes).toBe(1_258_291 + 8192);
  });
});

describe('success criteria', () => {
  test('index criteria follow the findings and the model', () => {
    const items = successCriteria(makeRichResult());
    expect(check(items, 'no-duplicate-indexes')).toMatchObject({ status: 'fail', detail: '1 duplicate index: users.idx_users_email' });
    expect(check(items, 'no-redundant-indexes').status).toBe('fail');
    expect(check(items, 'foreign-keys-indexed')).toMatchObject({ status: 'not-applicable' });
    expect(check(items, 'no-invalid-indexes').status).toBe('pass');
    expect(check(items, 'primary-keys').status).toBe('pass');
    expect(check(items, 'log-tables-minimal')).toMatchObject({ status: 'pass', detail: 'orders 3 indexes' });
    expect(check(items, 'composites-justified').status).toBe('unknown');
    const clean = successCriteria(makeRichResult({ findings: [] }));
    expect(check(clean, 'no-duplicate-indexes').status).toBe('pass');
    expect(check(clean, 'no-redundant-indexes').status).toBe('pass');
  });

  test('an invalid index in the model fails the box even without a finding', () => {
    const result = makeRichResult({ findings: [] });
    const model = {
      ...result.model,
      indexes: result.model.indexes.map((i) => (i.name === 'orders_user_id_idx' ? { ...i, valid: false } : i)),
    };
    expect(check(successCriteria({ ...result, model }), 'no-invalid-indexes')).toMatchObject({
      status: 'fail',
      detail: '1 invalid index: orders.orders_user_id_idx',
    });
  });

  test('a table without a primary key, a log table flagged over-indexed', () => {
    const result = makeRichResult({ findings: [overIndexed] });
    const model = { ...result.model, indexes: result.model.indexes.filter((i) => i.name !== 'orders_pkey') };
    const items = successCriteria({ ...result, model });
    expect(check(items, 'primary-keys')).toMatchObject({ status: 'fail', detail: '1 table without one: orders' });
    expect(check(items, 'log-tables-minimal')).toMatchObject({ status: 'fail', detail: 'orders 2 indexes (over-indexed: 2 to drop)' });
  });

  test('monitoring from settings and extensions', () => {
    const ready = successCriteria(makeRichResult());
    expect(
      ['pg-stat-statements', 'slow-query-log', 'track-io-timing', 'index-usage-statistics'].map((id) => check(ready, id).status),
    ).toEqual(['pass', 'pass', 'pass', 'pass']);
    const bare = successCriteria(
      makeRichResult({
        settings: { shared_preload_libraries: '', log_min_duration_statement: '-1', track_io_timing: 'off' },
        extensions: [],
      }),
    );
    expect(['pg-stat-statements', 'slow-query-log', 'track-io-timing'].map((id) => check(bare, id).status)).toEqual([
      'fail',
      'fail',
      'fail',
    ]);
    expect(check(bare, 'pg-stat-statements').detail).toMatch(/not installed .* and not in shared_preload_libraries/);
    const preloadedOnly = successCriteria(makeRichResult({ settings: { shared_preload_libraries: 'pg_stat_statements' }, extensions: [] }));
    expect(check(preloadedOnly, 'pg-stat-statements')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('CREATE EXTENSION pg_stat_statements was not run'),
    });
    const notLoaded = successCriteria(makeRichResult({ settings: { shared_preload_libraries: 'auto_explain' } }));
    expect(check(notLoaded, 'pg-stat-statements').detail).toContain('not in shared_preload_libraries');
    const unreadable = successCriteria(makeRichResult({ settings: {}, extensions: [] }));
    expect(['slow-query-log', 'track-io-timing'].map((id) => check(unreadable, id).status)).toEqual(['unknown', 'unknown']);
  });

  test('statistics: old enough, too young, unreadable', () => {
    expect(check(successCriteria(makeRichResult()), 'statistics-trustworthy').status).toBe('pass');
    const young = makeRichResult({ statsResetAt: '2024-12-31T00:00:00Z' });
    expect(check(successCriteria(young), 'statistics-trustworthy').status).toBe('fail');
    expect(check(successCriteria(young), 'no-unused-indexes').status).toBe('unknown');
    const result = makeRichResult();
    const blind = { ...result, model: { ...result.model, capabilities: { ...result.model.capabilities, usageStatistics: false } } };
    expect(check(successCriteria(blind), 'no-unused-indexes').status).toBe('unknown');
    expect(check(successCriteria(blind), 'index-usage-statistics').status).toBe('fail');
  });

  test('an audit result without summary.statistics still gets an answer from the model', () => {
    const result = makeRichResult();
    const { statistics: _dropped, ...summary } = result.summary;
    const facts = statisticsFacts({ ...result, summary: summary as typeof result.summary });
    expect(facts).toMatchObject({ resetAt: '2024-12-02T00:00:00Z', ageDays: 30, trustworthy: true, notes: [] });
  });
});

describe('next steps', () => {
  test('critical first, one step per rule, with commands for the target', () => {
    const result = makeRichResult();
    const steps = nextSteps(result, successCriteria(result));
    expect(steps.map((s) => [s.priority, s.title])).toEqual([
      ['HIGH', 'Drop 1 duplicate index'],
      ['MEDIUM', 'Drop 1 redundant index'],
      ['LOW', 'Index 1 unindexed foreign key'],
    ]);
    expect(steps[0]!.commands).toEqual([
      'dbdoctor fix postgres://app@db.example/app --rule duplicate-index',
      'dbdoctor apply postgres://app@db.example/app --rule duplicate-index --dry-run',
      'dbdoctor apply postgres://app@db.example/app --rule duplicate-index',
    ]);
  });

  test('unmet monitoring criteria become steps after the rules of their priority; findings without a fix get no command', () => {
    const manual: Finding = { ...overIndexed, rule: 'partition-candidate', severity: 'low', actions: undefined, fix: undefined };
    const result = makeRichResult({
      findings: [manual, ...makeFindings()],
      settings: { shared_preload_libraries: '', log_min_duration_statement: '-1', track_io_timing: 'off' },
      extensions: [],
    });
    const steps = nextSteps(result, successCriteria(result));
    expect(steps.map((s) => s.rule ?? s.title.split(' ').slice(0, 3).join(' '))).toEqual([
      'duplicate-index',
      'redundant-index',
      'Enable pg_stat_statements (shared_preload_libraries,',
      'Turn on the',
      'partition-candidate',
      'unindexed-foreign-key',
      'Turn on track_io_timing',
    ]);
    const partition = steps.find((s) => s.rule === 'partition-candidate')!;
    expect(partition.title).toBe('Review 1 partition candidate');
    expect(partition.commands).toEqual([]);
  });

  test('shell words are quoted when needed', () => {
    expect(shellWord('postgres://u@h:5432/db?sslmode=require')).toBe("'postgres://u@h:5432/db?sslmode=require'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(shellWord('schema.sql')).toBe('schema.sql');
  });
});

test('analyze ties it together', () => {
  const analysis = analyze(makeRichResult());
  expect(analysis.strategies).toHaveLength(3);
  expect(analysis.savings.droppedIndexes).toBe(2);
  expect(analysis.checklist.length).toBeGreaterThan(10);
  expect(analysis.nextSteps[0]!.priority).toBe('HIGH');
});

describe('clashing fixes', () => {
  const fk = {
    schema: 'public',
    name: 'orders_user_id_fkey',
    table: 'orders',
    columns: [{ column: 'user_id', referencedColumn: 'id', equalityOpfamilies: [], collation: null }],
    referencedTable: { schema: 'public', name: 'users' },
    onDelete: 'a',
    onUpdate: 'a',
    validated: true,
    definition: '',
  };
  const unjustified: Finding = {
    rule: 'unjustified-composite-index',
    severity: 'low',
    schema: 'public',
    table: 'orders',
    index: 'orders_user_id_created_at_idx',
    message: 'No query needs the composite.',
    help: 'Drop it.',
    evidence: {},
    actions: [dropOf('orders_user_id_created_at_idx')],
  };

  test('two drops that together leave a foreign key unindexed keep the index the other finding meant to keep', () => {
    const base = makeRichResult({ findings: [...makeFindings(), unjustified] });
    const result = { ...base, model: { ...base.model, foreignKeys: [fk] } };
    const orders = tableStrategies(result).find((s) => s.table === 'orders')!;
    // redundant-index drops (user_id) for the composite; the composite is dropped too; the FK needs one: the composite was named to stay.
    const kept = orders.current.find((e) => e.name === 'orders_user_id_created_at_idx')!;
    expect(kept.keptBecause).toMatch(
      /orders_user_id_idx is dropped in this plan because orders_user_id_created_at_idx covers it|foreign key orders_user_id_fkey would be left without an index/,
    );
    expect(orders.dropped.map((e) => e.name)).toEqual(['orders_user_id_idx']);
    expect(orders.recommended).toContain('orders_user_id_created_at_idx');
    expect(estimateSavings([orders]).tables[0]!.droppedIndexes).toBe(1);
  });

  test('without the foreign key the cover still stays: the drop that relies on it goes first', () => {
    const orders = tableStrategies(makeRichResult({ findings: [...makeFindings(), unjustified] })).find((s) => s.table === 'orders')!;
    expect(orders.dropped.map((e) => e.name)).toEqual(['orders_user_id_idx']);
  });

  test('an index to create that another created index starts with is not created', () => {
    const spec = newIndexSpec({ schema: 'public', name: 'orders' }, 'orders_product_id_status_idx', [
      plainKey('product_id'),
      plainKey('status', true),
    ]);
    const wider: Finding = {
      ...unjustified,
      rule: 'missing-index',
      index: 'orders_product_id_status_idx',
      actions: [{ kind: 'create-index', index: spec, onPartitionedTable: false, partitions: [] }],
    };
    const orders = tableStrategies(makeRichResult({ findings: [...makeFindings(), wider] })).find((s) => s.table === 'orders')!;
    expect(orders.created.map((c) => c.name)).toEqual(['orders_product_id_status_idx']);
    expect(orders.skipped.map((s) => [s.index.name, s.reason])).toEqual([
      ['orders_product_id_idx', 'public.orders_product_id_status_idx already serves every query it would serve'],
    ]);
    expect(orders.recommended).not.toContain('orders_product_id_idx');
  });
});
