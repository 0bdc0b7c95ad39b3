/** The fix statements the rules and the migration writers share: clause placement, deferral, partitions. */
import { describe, expect, test } from 'vitest';
import {
  createIndexOnlyStatement,
  createIndexStatement,
  dropIndexFix,
  restorePartitionedIndexStatements,
  topLevelIndexOf,
} from '../../../src/dialects/postgres/ddl.js';
import { columnKey, fakeIndex } from '../../plan/support.js';

describe('topLevelIndexOf', () => {
  test('skips quoted names, string literals and parentheses', () => {
    const sql = `CREATE INDEX "a WHERE b" ON s."x WHERE y" USING btree (c) WHERE ((c <> ' WHERE ') AND (d > 0))`;
    expect(topLevelIndexOf(sql, ' WHERE ')).toBe(sql.lastIndexOf(' WHERE (('));
    expect(topLevelIndexOf(`CREATE INDEX "it"" WHERE " ON t (a)`, ' WHERE ')).toBe(-1);
    expect(topLevelIndexOf(`x 'it'' WHERE ' y`, ' WHERE ')).toBe(-1);
  });
});

describe('createIndexStatement', () => {
  test('puts the tablespace before the real WHERE clause, not one inside a name or literal', () => {
    const index = fakeIndex({
      name: 'a WHERE b',
      definition: `CREATE INDEX "a WHERE b" ON public."t WHERE" USING btree (a) WHERE (b <> ' WHERE x'::text)`,
      predicate: `b <> ' WHERE x'::text`,
      tablespace: 'fast space',
    });
    expect(createIndexStatement(index)).toBe(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS "a WHERE b" ON public."t WHERE" USING btree (a) TABLESPACE "fast space" WHERE (b <> ' WHERE x'::text)`,
    );
  });

  test('a tablespace without a predicate goes last', () => {
    const index = fakeIndex({
      name: 'i',
      definition: 'CREATE UNIQUE INDEX i ON public.t USING btree (a) WITH (fillfactor=70)',
      tablespace: 'ts',
    });
    expect(createIndexStatement(index)).toBe(
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON public.t USING btree (a) WITH (fillfactor=70) TABLESPACE ts',
    );
  });

  test('a partitioned index loses ONLY, but a name containing " ON ONLY " keeps its text', () => {
    const index = fakeIndex({
      name: 'x ON ONLY y',
      partitioned: true,
      definition: 'CREATE INDEX "x ON ONLY y" ON ONLY public.p USING btree (a)',
    });
    expect(createIndexStatement(index)).toBe('CREATE INDEX IF NOT EXISTS "x ON ONLY y" ON public.p USING btree (a)');
    expect(createIndexOnlyStatement(index)).toBe('CREATE INDEX IF NOT EXISTS "x ON ONLY y" ON ONLY public.p USING btree (a)');
  });
});

describe('dropIndexFix on a constraint-backed index', () => {
  const backed = (definition: string, immediate: boolean) =>
    fakeIndex({
      name: 'u',
      unique: true,
      definition: `CREATE UNIQUE INDEX u ON public.t USING btree ("DEFERRABLE")`,
      keys: [columnKey('DEFERRABLE')],
      constraint: { name: 'u', type: 'unique', immediate, definition },
    });

  test('a column named DEFERRABLE does not make the constraint deferrable', () => {
    const fix = dropIndexFix(backed('UNIQUE ("DEFERRABLE")', true));
    expect(fix.up).toEqual(['ALTER TABLE public.t DROP CONSTRAINT IF EXISTS u']);
    expect(fix.down[1]).toBe('ALTER TABLE public.t ADD CONSTRAINT u UNIQUE USING INDEX u');
  });

  test('DEFERRABLE and INITIALLY DEFERRED come back', () => {
    expect(dropIndexFix(backed('UNIQUE ("DEFERRABLE") DEFERRABLE', false)).down[1]).toBe(
      'ALTER TABLE public.t ADD CONSTRAINT u UNIQUE USING INDEX u DEFERRABLE',
    );
    expect(dropIndexFix(backed('UNIQUE ("DEFERRABLE") DEFERRABLE INITIALLY DEFERRED', false)).down[1]).toBe(
      'ALTER TABLE public.t ADD CONSTRAINT u UNIQUE USING INDEX u DEFERRABLE INITIALLY DEFERRED',
    );
  });
});

describe('restorePartitionedIndexStatements', () => {
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
    expect(restorePartitionedIndexStatements(parent, [parent, leaf1, mid, leaf2])).toEqual([
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
