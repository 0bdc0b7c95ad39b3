import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { introspectPostgres } from '../../../src/dialects/postgres/introspect/index.js';
import { collectPlanEvidence, whyNotPlanned } from '../../../src/workload/plans/collect.js';
import { existingIndexFor, proposeIndex } from '../../../src/workload/plans/propose.js';
import { summarizePlan, rootPlanNode } from '../../../src/workload/plans/plan-summary.js';
import type { SchemaModel, Table } from '../../../src/model/types.js';
import { ENGINES, type TestDatabase } from '../../helpers/databases.js';
import { group, pattern, ref, use, workloadOf } from './patterns.js';

const SCHEMA = `
CREATE TABLE events (id bigint PRIMARY KEY, account_id int NOT NULL, kind text NOT NULL, at timestamptz NOT NULL);
INSERT INTO events SELECT g, g % 500, CASE WHEN g % 20 = 0 THEN 'error' ELSE 'info' END, TIMESTAMPTZ '2025-01-01' + g * INTERVAL '1 second' FROM generate_series(1, 30000) g;
CREATE INDEX events_at ON events (at);
ANALYZE events;
`;

const events = ref('events');

describe('plan summaries', () => {
  test('collect seq scans, index scans, sorts and the indexes used from EXPLAIN JSON', () => {
    const json = [
      {
        Plan: {
          'Node Type': 'Limit',
          'Total Cost': 50,
          'Startup Cost': 40,
          'Plan Rows': 10,
          Plans: [
            {
              'Node Type': 'Sort',
              'Sort Key': ['e.at DESC'],
              'Plan Rows': 900,
              'Total Cost': 49,
              Plans: [
                {
                  'Node Type': 'Hash Join',
                  'Plan Rows': 900,
                  'Total Cost': 40,
                  Plans: [
                    {
                      'Node Type': 'Seq Scan',
                      'Relation Name': 'events',
                      Schema: 'public',
                      Filter: '(e.kind = $1)',
                      'Plan Rows': 900,
                      'Total Cost': 30,
                    },
                    {
                      'Node Type': 'Bitmap Heap Scan',
                      'Relation Name': 'accounts',
                      Plans: [{ 'Node Type': 'Bitmap Index Scan', 'Index Name': 'accounts_pkey', 'Plan Rows': 3, 'Total Cost': 1 }],
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
    ];
    const summary = summarizePlan(rootPlanNode(JSON.stringify(json)));
    expect(summary).toMatchObject({ totalCost: 50, startupCost: 40, rows: 10, indexesUsed: ['accounts_pkey'] });
    expect(summary.seqScans).toEqual([{ schema: 'public', table: 'events', rows: 900, filter: '(e.kind = $1)', totalCost: 30 }]);
    expect(summary.sorts).toEqual([{ keys: ['e.at DESC'], rows: 900, totalCost: 49 }]);
    expect(() => rootPlanNode([])).toThrow(/no plan/);
  });
});

describe('statements the planner step refuses to send', () => {
  test('anything but one plain SELECT', () => {
    expect(whyNotPlanned(pattern('SELECT 1', []))).toBeNull();
    expect(whyNotPlanned(pattern('SELECT 1; COMMIT; DROP TABLE events', []))).toMatch(/exactly one statement/);
    expect(whyNotPlanned(pattern('SELECT * FROM events WHERE id = $1 FOR UPDATE', []))).toMatch(/FOR UPDATE/);
    expect(whyNotPlanned(pattern('DELETE FROM events WHERE id = $1', [], { command: 'delete' }))).toMatch(/only SELECT/);
    expect(whyNotPlanned(pattern('WITH d AS (DELETE FROM events RETURNING id) SELECT * FROM d', [], { tablesWritten: [events] }))).toMatch(
      /writes/,
    );
    expect(whyNotPlanned(pattern('SELEC nothing', []))).toMatch(/parser rejects/);
  });
});

describe('index proposals', () => {
  const table = {
    schema: 'public',
    name: 'events',
    kind: 'table',
    parent: null,
    rowEstimate: 30000,
    sizeBytes: null,
    indexesSizeBytes: null,
    usage: null,
    replicaIdentityIndex: null,
    comment: null,
    columns: [
      { name: 'account_id', statistics: { distinctValues: 500 } },
      { name: 'kind', statistics: { distinctValues: 2 } },
      { name: 'at', statistics: { distinctValues: 30000 } },
    ],
  } as unknown as Table;

  test('equality keys by distinct values, then the range key; constants become a partial predicate', () => {
    const p = proposeIndex(
      table,
      group(events, [
        use(events, 'kind', 'equality', { value: '$2' }),
        use(events, 'account_id', 'equality', { value: '$1' }),
        use(events, 'at', 'range'),
      ]),
      new Set(),
      { useJoins: false },
    );
    expect(p?.definition).toBe('CREATE INDEX events_account_id_kind_at_idx ON public.events (account_id, kind, at)');
    const partial = proposeIndex(
      table,
      group(events, [use(events, 'kind', 'equality', { value: "'error'" })], [use(events, 'at', 'order-by', { descending: true })]),
      new Set(),
      { useJoins: false },
    );
    expect(partial?.definition).toBe("CREATE INDEX events_at_idx ON public.events (at DESC) WHERE kind = 'error'");
  });

  test('join keys only when asked; names stay under 63 bytes and avoid taken names', () => {
    const g = group(events, [use(events, 'account_id', 'join')]);
    expect(proposeIndex(table, g, new Set(), { useJoins: false })).toBeNull();
    expect(proposeIndex(table, g, new Set(['events_account_id_idx']), { useJoins: true })?.name).toBe('events_account_id_idx1');
    const long = { ...table, name: 'x'.repeat(70) } as Table;
    expect(Buffer.byteLength(proposeIndex(long, g, new Set(), { useJoins: true })!.name)).toBeLessThanOrEqual(63);
  });

  test('an existing index is recognised only with the same predicate', () => {
    const p = proposeIndex(
      table,
      group(events, [use(events, 'kind', 'equality', { value: "'error'" })], [use(events, 'at', 'order-by')]),
      new Set(),
      { useJoins: false },
    )!;
    const index = (predicate: string | null) =>
      ({
        schema: 'public',
        table: 'events',
        name: 'i',
        method: 'btree',
        valid: true,
        ready: true,
        predicate,
        keys: [{ kind: 'column', column: 'at', expression: 'at' }],
      }) as unknown as SchemaModel['indexes'][number];
    expect(existingIndexFor(p, [index(null)])).toBeNull();
    expect(existingIndexFor(p, [index("(kind = 'error'::text)")])?.name).toBe('i');
  });
});

for (const engine of ENGINES) {
  describe(`planner step on ${engine.name}`, () => {
    let db: TestDatabase;
    let model: SchemaModel;
    beforeAll(async () => {
      db = await engine.create();
      await db.exec(SCHEMA);
      model = await introspectPostgres(db.db, { schemas: [] });
    });
    afterAll(async () => {
      await db?.close();
    });

    test('plans generic plans in a read-only transaction; a statement the server rejects does not end the step', async () => {
      const ok = pattern('SELECT id FROM events WHERE account_id = $1 AND at > $2', [
        group(events, [use(events, 'account_id', 'equality'), use(events, 'at', 'range')]),
      ]);
      const broken = pattern('SELECT * FROM no_such_table WHERE x = $1', [
        group(ref('no_such_table'), [use(ref('no_such_table'), 'x', 'equality')]),
      ]);
      const untyped = pattern('SELECT $1 IS NULL', []);
      const evidence = await collectPlanEvidence(db.db, model, workloadOf(broken, ok, untyped));
      const byFp = new Map(evidence.plans.map((p) => [p.fingerprint, p]));
      expect(byFp.get(broken.fingerprint)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/no_such_table/) });
      const planned = byFp.get(ok.fingerprint);
      expect(planned).toMatchObject({ status: 'planned', method: engine.name === 'pglite' ? 'generic-plan' : 'prepared-generic' });
      expect(evidence.notes.join(' ')).toMatch(/could not be planned/);
      // Nothing is left behind: no open transaction, no prepared statement.
      const { rows } = await db.db.query('SELECT count(*)::int AS n FROM pg_prepared_statements');
      expect(rows).toEqual([{ n: 0 }]);
      await db.db.query('SELECT 1');
    });

    test('a large sort is a candidate: the index gives the order', async () => {
      const q = pattern('SELECT id FROM events WHERE kind = $1 ORDER BY account_id', [
        group(events, [use(events, 'kind', 'equality', { value: '$1' })], [use(events, 'account_id', 'order-by')]),
      ]);
      const evidence = await collectPlanEvidence(db.db, model, workloadOf(q));
      const sort = evidence.candidates.find((c) => c.reason === 'sort');
      expect(sort?.proposal.definition).toBe('CREATE INDEX events_kind_account_id_idx ON public.events (kind, account_id)');
      expect(sort?.planDetail).toMatch(/^Sort of about [\d,]+ rows by/);
      expect(sort?.verification).toEqual({ status: 'not-verified', reason: expect.any(String) });
    });

    test('the prepared generic plan (before PostgreSQL 16) and GENERIC_PLAN agree where both run', async () => {
      const q = pattern('SELECT id FROM events WHERE kind = $1', [group(events, [use(events, 'kind', 'equality')])]);
      const old = await collectPlanEvidence(db.db, { ...model, database: { ...model.database, serverVersionNum: 150000 } }, workloadOf(q));
      expect(old.plans[0]).toMatchObject({ status: 'planned', method: 'prepared-generic' });
      if (model.database.serverVersionNum >= 160000) {
        const current = await collectPlanEvidence(db.db, model, workloadOf(q));
        expect(current.plans[0]).toMatchObject({ status: 'planned', method: 'generic-plan' });
        const a = old.plans[0]!;
        const b = current.plans[0]!;
        if (a.status === 'planned' && b.status === 'planned') expect(a.summary.totalCost).toBe(b.summary.totalCost);
      }
    });
  });
}
