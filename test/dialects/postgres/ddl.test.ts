/** PostgreSQL's DDL emitter: clause placement, deferral, partitions, new indexes from their keys. */
import { describe, expect, test } from 'vitest';
import { postgresEmitter, recreateIndex, topLevelIndexOf } from '../../../src/dialects/postgres/ddl.js';
import type { FixAction } from '../../../src/model/actions.js';
import { expressionKey, newIndexSpec, plainKey } from '../../../src/model/actions.js';
import type { Index } from '../../../src/model/types.js';
import { columnKey, fakeIndex } from '../../plan/support.js';

/** The SQL of an action's statements, up and down. */
function emit(action: FixAction): { up: string[]; down: string[]; irreversible: string | null } {
  const e = postgresEmitter.emit(action);
  return { up: e.up.map((s) => s.sql), down: e.down.map((s) => s.sql), irreversible: e.irreversible };
}

const dropOf = (index: Index, attached: Index[] = []): FixAction =>
  index.constraint ? { kind: 'drop-constraint', index } : { kind: 'drop-index', index, attached };

describe('topLevelIndexOf', () => {
  test('skips quoted names, string literals and parentheses', () => {
    const sql = `CREATE INDEX "a WHERE b" ON s."x WHERE y" USING btree (c) WHERE ((c <> ' WHERE ') AND (d > 0))`;
    expect(topLevelIndexOf(sql, ' WHERE ')).toBe(sql.lastIndexOf(' WHERE (('));
    expect(topLevelIndexOf(`CREATE INDEX "it"" WHERE " ON t (a)`, ' WHERE ')).toBe(-1);
    expect(topLevelIndexOf(`x 'it'' WHERE ' y`, ' WHERE ')).toBe(-1);
  });
});

describe('recreateIndex', () => {
  test('puts the tablespace before the real WHERE clause, not one inside a name or literal', () => {
    const index = fakeIndex({
      name: 'a WHERE b',
      definition: `CREATE INDEX "a WHERE b" ON public."t WHERE" USING btree (a) WHERE (b <> ' WHERE x'::text)`,
      predicate: `b <> ' WHERE x'::text`,
      tablespace: 'fast space',
    });
    expect(recreateIndex(index).sql).toBe(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS "a WHERE b" ON public."t WHERE" USING btree (a) TABLESPACE "fast space" WHERE (b <> ' WHERE x'::text)`,
    );
  });

  test('a tablespace without a predicate goes last', () => {
    const index = fakeIndex({
      name: 'i',
      definition: 'CREATE UNIQUE INDEX i ON public.t USING btree (a) WITH (fillfactor=70)',
      tablespace: 'ts',
    });
    expect(recreateIndex(index).sql).toBe(
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON public.t USING btree (a) WITH (fillfactor=70) TABLESPACE ts',
    );
  });

  test('a partitioned index loses ONLY, but a name containing " ON ONLY " keeps its text', () => {
    const index = fakeIndex({
      name: 'x ON ONLY y',
      partitioned: true,
      definition: 'CREATE INDEX "x ON ONLY y" ON ONLY public.p USING btree (a)',
    });
    expect(recreateIndex(index).sql).toBe('CREATE INDEX IF NOT EXISTS "x ON ONLY y" ON public.p USING btree (a)');
    expect(emit(dropOf(index)).down).toEqual(['CREATE INDEX IF NOT EXISTS "x ON ONLY y" ON ONLY public.p USING btree (a)']);
  });
});

describe('dropping a constraint-backed index', () => {
  const backed = (definition: string, immediate: boolean) =>
    fakeIndex({
      name: 'u',
      unique: true,
      definition: `CREATE UNIQUE INDEX u ON public.t USING btree ("DEFERRABLE")`,
      keys: [columnKey('DEFERRABLE')],
      constraint: { name: 'u', type: 'unique', immediate, definition },
    });

  test('a column named DEFERRABLE does not make the constraint deferrable', () => {
    const fix = emit(dropOf(backed('UNIQUE ("DEFERRABLE")', true)));
    expect(fix.up).toEqual(['ALTER TABLE public.t DROP CONSTRAINT IF EXISTS u']);
    expect(fix.down[1]).toBe('ALTER TABLE public.t ADD CONSTRAINT u UNIQUE USING INDEX u');
  });

  test('DEFERRABLE and INITIALLY DEFERRED come back', () => {
    expect(emit(dropOf(backed('UNIQUE ("DEFERRABLE") DEFERRABLE', false))).down[1]).toBe(
      'ALTER TABLE public.t ADD CONSTRAINT u UNIQUE USING INDEX u DEFERRABLE',
    );
    expect(emit(dropOf(backed('UNIQUE ("DEFERRABLE") DEFERRABLE INITIALLY DEFERRED', false))).down[1]).toBe(
      'ALTER TABLE public.t ADD CONSTRAINT u UNIQUE USING INDEX u DEFERRABLE INITIALLY DEFERRED',
    );
  });
});

describe('dropping a partitioned index', () => {
  test('rebuilds leaves concurrently under their own names, then ON ONLY parents, attaching bottom-up; comments last', () => {
    const parent = fakeIndex({
      name: 'p_idx',
      table: 'p',
      partitioned: true,
      definition: 'CREATE INDEX p_idx ON ONLY public.p USING btree (a)',
      comment: 'top',
    });
    const leaf1 = fakeIndex({
      name: 'my leaf',
      table: 'p1',
      definition: 'CREATE INDEX "my leaf" ON public.p1 USING btree (a)',
      parentIndex: { schema: 'public', name: 'p_idx' },
    });
    const mid = fakeIndex({
      name: 'p2_a_idx',
      table: 'p2',
      partitioned: true,
      definition: 'CREATE INDEX p2_a_idx ON ONLY public.p2 USING btree (a)',
      parentIndex: { schema: 'public', name: 'p_idx' },
    });
    const leaf2 = fakeIndex({
      name: 'p21_a_idx',
      table: 'p21',
      definition: 'CREATE INDEX p21_a_idx ON public.p21 USING btree (a)',
      parentIndex: { schema: 'public', name: 'p2_a_idx' },
    });
    expect(emit(dropOf(parent, [leaf1, mid, leaf2])).down).toEqual([
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "my leaf" ON public.p1 USING btree (a)',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS p21_a_idx ON public.p21 USING btree (a)',
      'CREATE INDEX IF NOT EXISTS p2_a_idx ON ONLY public.p2 USING btree (a)',
      'ALTER INDEX public.p2_a_idx ATTACH PARTITION public.p21_a_idx',
      'CREATE INDEX IF NOT EXISTS p_idx ON ONLY public.p USING btree (a)',
      'ALTER INDEX public.p_idx ATTACH PARTITION public."my leaf"',
      'ALTER INDEX public.p_idx ATTACH PARTITION public.p2_a_idx',
      "COMMENT ON INDEX public.p_idx IS 'top'",
    ]);
  });
});

describe('new indexes', () => {
  test('keys are written back exactly: operator class, collation, direction and NULLS placement', () => {
    const email = { ...plainKey('email'), opclass: 'pg_catalog.text_pattern_ops', opclassIsDefault: false };
    const name = { ...plainKey('Name'), collation: 'pg_catalog."C"', collationIsDefault: false };
    const created = { ...plainKey('created_at', true), ordering: { descending: true, nullsFirst: false } };
    const spec = newIndexSpec({ schema: 'Mixed Case', name: 'Orders' }, 'orders_idx', [
      email,
      name,
      created,
      expressionKey('lower(city)', ['city']),
    ]);
    expect(emit({ kind: 'create-index', index: spec, onPartitionedTable: false, partitions: [] })).toEqual({
      up: [
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_idx ON "Mixed Case"."Orders" (email pg_catalog.text_pattern_ops, "Name" COLLATE pg_catalog."C", created_at DESC NULLS LAST, (lower(city)))',
      ],
      down: ['DROP INDEX CONCURRENTLY IF EXISTS "Mixed Case".orders_idx'],
      irreversible: null,
    });
  });

  test('on a partitioned table: the parent ON ONLY, each partition built concurrently and attached', () => {
    const spec = newIndexSpec({ schema: 'public', name: 'p' }, 'p_a_idx', [plainKey('a')]);
    const action: FixAction = {
      kind: 'create-index',
      index: spec,
      onPartitionedTable: true,
      partitions: [
        { index: { ...spec, table: 'p1', name: 'p1_a_idx' }, partitioned: false },
        { index: { ...spec, table: 'p2', name: 'p2_a_idx' }, partitioned: true },
      ],
    };
    expect(emit(action).up).toEqual([
      'CREATE INDEX IF NOT EXISTS p_a_idx ON ONLY public.p (a)',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS p1_a_idx ON public.p1 (a)',
      'ALTER INDEX public.p_a_idx ATTACH PARTITION public.p1_a_idx',
      'CREATE INDEX IF NOT EXISTS p2_a_idx ON public.p2 (a)',
      'ALTER INDEX public.p_a_idx ATTACH PARTITION public.p2_a_idx',
    ]);
    expect(emit(action).down).toEqual(['DROP INDEX IF EXISTS public.p_a_idx']);
  });
});

describe('an INVALID index', () => {
  test('is dropped, and the way back leaves it out with the reason: rebuilding would fail again or make an index that never was', () => {
    const failed = fakeIndex({
      name: 'ux_req',
      unique: true,
      valid: false,
      definition: 'CREATE UNIQUE INDEX ux_req ON public.t USING btree (r)',
    });
    const e = emit(dropOf(failed));
    expect(e.up).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS public.ux_req']);
    expect(e.down).toEqual([]);
    expect(e.irreversible).toMatch(/INVALID/);
  });
});
