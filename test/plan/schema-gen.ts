/**
 * Random schemas for the round-trip property: tables with random identifiers and random index
 * kinds (partial, expression, INCLUDE, DESC, opclass, collation, unique, hash, brin, storage
 * parameters, comments), duplicated or made redundant on purpose, duplicate UNIQUE constraints,
 * unindexed foreign keys, INVALID indexes left by a failed concurrent build, and partitioned
 * tables (with renamed and sub-partitioned partition indexes).
 */
import fc from 'fast-check';
import { quoteIdent, quoteLiteral, quoteQualified, truncateIdentifier } from '../../src/sql/quote.js';
import { NASTY_IDENTIFIERS } from './support.js';

const INDEX_KINDS = [
  'plain',
  'multi',
  'desc',
  'expression',
  'opclass',
  'collation',
  'include',
  'partial',
  'unique',
  'hash',
  'brin',
  'fillfactor',
] as const;
type IndexKind = (typeof INDEX_KINDS)[number];

interface IndexSpec {
  readonly kind: IndexKind;
  readonly name: number;
  /** Create it twice (a duplicate-index finding). */
  readonly duplicate: boolean;
  /** Also create a wider index it is a prefix of (a redundant-index finding), where the kind allows. */
  readonly widened: boolean;
  readonly comment: string | null;
}

interface TableSpec {
  readonly name: number;
  /** Column names: c0 int (key), c1 int, c2 text, c3 text, c4 int. */
  readonly columns: readonly [number, number, number, number, number];
  readonly partitioned: boolean;
  /** For a partitioned table: sub-partition the second partition. */
  readonly nested: boolean;
  /** For a partitioned table: rename a partition index (restored under that name). */
  readonly renamePartitionIndex: boolean;
  readonly indexes: readonly IndexSpec[];
  /** Two UNIQUE constraints on (c1, c0); the second DEFERRABLE or not. */
  readonly duplicateConstraint: null | { readonly deferrable: boolean };
  /** A unique index duplicating a UNIQUE constraint (the index is dropped, the constraint stays). */
  readonly indexDuplicatingConstraint: boolean;
  /** A foreign key (c1) to the first table, without an index. */
  readonly foreignKey: boolean;
  /** A unique index built concurrently over duplicate values: left INVALID. */
  readonly invalidIndex: boolean;
}

export interface SchemaSpec {
  readonly schemaName: number;
  readonly tables: readonly TableSpec[];
}

const nameIndex = fc.nat({ max: NASTY_IDENTIFIERS.length - 1 });

const indexSpec: fc.Arbitrary<IndexSpec> = fc.record({
  kind: fc.constantFrom(...INDEX_KINDS),
  name: nameIndex,
  duplicate: fc.boolean(),
  widened: fc.boolean(),
  comment: fc.option(fc.constantFrom("it's a comment", 'multi\nline "comment"', 'ünïcødé ☃', 'back\\slash: %s ?'), { freq: 3 }),
});

const tableSpec: fc.Arbitrary<TableSpec> = fc.record({
  name: nameIndex,
  columns: fc.uniqueArray(nameIndex, { minLength: 5, maxLength: 5 }) as unknown as fc.Arbitrary<[number, number, number, number, number]>,
  partitioned: fc.boolean(),
  nested: fc.boolean(),
  renamePartitionIndex: fc.boolean(),
  indexes: fc.array(indexSpec, { minLength: 1, maxLength: 4 }),
  duplicateConstraint: fc.option(fc.record({ deferrable: fc.boolean() }), { freq: 2 }),
  indexDuplicatingConstraint: fc.boolean(),
  foreignKey: fc.boolean(),
  invalidIndex: fc.boolean(),
});

export const schemaSpec: fc.Arbitrary<SchemaSpec> = fc.record({
  schemaName: nameIndex,
  tables: fc.array(tableSpec, { minLength: 1, maxLength: 3 }),
});

/** Unique relation names within a schema, as raw as possible, never over 63 bytes. */
class Names {
  private readonly taken = new Set<string>();
  private counter = 0;
  take(base: string): string {
    let name = truncateIdentifier(base);
    while (this.taken.has(name)) {
      const suffix = `_${++this.counter}`;
      name = truncateIdentifier(base, 63 - suffix.length) + suffix;
    }
    this.taken.add(name);
    return name;
  }
  /** Reserve a name PostgreSQL will generate itself. */
  reserve(name: string): void {
    this.taken.add(name);
  }
}

/** One statement to run; `fails` ones are expected to fail (a concurrent unique build over duplicates). */
export interface SetupStatement {
  readonly sql: string;
  readonly fails?: boolean;
}

/** The SQL that builds a schema spec, one statement each (some must run outside a transaction). */
export function renderSchema(spec: SchemaSpec, run: number): { schema: string; statements: SetupStatement[] } {
  const schema = truncateIdentifier(`${NASTY_IDENTIFIERS[spec.schemaName]!} rt${run}`);
  const out: SetupStatement[] = [{ sql: `CREATE SCHEMA ${quoteIdent(schema)}` }];
  const names = new Names();
  const first = { table: '', key: '' };
  spec.tables.forEach((t, ti) => {
    const table = names.take(NASTY_IDENTIFIERS[t.name]!);
    const cols = t.columns.map((c) => NASTY_IDENTIFIERS[c]!);
    const [c0, c1, c2, c3, c4] = cols.map(quoteIdent) as [string, string, string, string, string];
    const q = quoteQualified(schema, table);
    // Only the first table is referenced, and only plain tables reference it.
    const partitioned = t.partitioned && ti > 0;
    const columns = `${c0} int NOT NULL, ${c1} int, ${c2} text, ${c3} text, ${c4} int`;
    if (ti === 0) {
      first.table = q;
      first.key = c0;
    }
    let p1 = '';
    if (partitioned) {
      out.push({ sql: `CREATE TABLE ${q} (${columns}) PARTITION BY RANGE (${c0})` });
      p1 = names.take(`${NASTY_IDENTIFIERS[t.name]!} p1`);
      const p2 = names.take(`${NASTY_IDENTIFIERS[t.name]!} p2`);
      out.push({ sql: `CREATE TABLE ${quoteQualified(schema, p1)} PARTITION OF ${q} FOR VALUES FROM (0) TO (1000)` });
      if (t.nested) {
        out.push({
          sql: `CREATE TABLE ${quoteQualified(schema, p2)} PARTITION OF ${q} FOR VALUES FROM (1000) TO (2000) PARTITION BY RANGE (${c0})`,
        });
        const p21 = names.take(`${NASTY_IDENTIFIERS[t.name]!} p21`);
        out.push({
          sql: `CREATE TABLE ${quoteQualified(schema, p21)} PARTITION OF ${quoteQualified(schema, p2)} FOR VALUES FROM (1000) TO (2000)`,
        });
      } else {
        out.push({ sql: `CREATE TABLE ${quoteQualified(schema, p2)} PARTITION OF ${q} FOR VALUES FROM (1000) TO (2000)` });
      }
      out.push({ sql: `INSERT INTO ${q} SELECT g, g % 7, 'v' || (g % 5), 'w' || g, g % 3 FROM generate_series(1, 1990, 70) g` });
    } else {
      out.push({ sql: `CREATE TABLE ${q} (${columns}, PRIMARY KEY (${c0}))` });
      names.reserve(truncateIdentifier(`${table}_pkey`));
      out.push({
        sql: `INSERT INTO ${q} SELECT g, ${ti === 0 ? 'g % 7' : '1 + g % 20'}, 'v' || (g % 5), 'w' || g, g % 3 FROM generate_series(1, 20) g`,
      });
    }
    const concurrently = partitioned ? '' : 'CONCURRENTLY ';
    const create = (name: string, body: string, unique = false): SetupStatement => ({
      sql: `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${concurrently}${quoteIdent(name)} ON ${q} ${body}`,
    });
    for (const ix of t.indexes) {
      const base = NASTY_IDENTIFIERS[ix.name]!;
      const bodies: Record<IndexKind, { body: string; unique?: boolean; wider?: string }> = {
        plain: { body: `(${c1})`, wider: `(${c1}, ${c4})` },
        multi: { body: `(${c1}, ${c2})`, wider: `(${c1}, ${c2}, ${c3})` },
        desc: { body: `(${c4} DESC NULLS LAST, ${c1})`, wider: `(${c4} DESC NULLS LAST, ${c1}, ${c2})` },
        expression: { body: `(lower(${c2}))`, wider: `(lower(${c2}), ${c1})` },
        opclass: { body: `(${c2} text_pattern_ops)`, wider: `(${c2} text_pattern_ops, ${c4})` },
        collation: { body: `(${c3} COLLATE "C")`, wider: `(${c3} COLLATE "C", ${c1})` },
        include: { body: `(${c1}) INCLUDE (${c2})`, wider: `(${c1}, ${c4}) INCLUDE (${c2})` },
        partial: {
          body: `(${c4}) WHERE ${c4} > 0 AND ${c2} <> 'a WHERE b'`,
          wider: `(${c4}, ${c1}) WHERE ${c4} > 0 AND ${c2} <> 'a WHERE b'`,
        },
        unique: { body: `(${c0}, ${c3})`, unique: true },
        hash: { body: `USING hash (${c2})` },
        brin: { body: `USING brin (${c4})` },
        fillfactor: { body: `(${c1}, ${c2}) WITH (fillfactor = 70)`, wider: `(${c1}, ${c2}, ${c4}) WITH (fillfactor = 70)` },
      };
      const { body, unique, wider } = bodies[ix.kind];
      const name = names.take(base);
      out.push(create(name, body, unique));
      if (ix.comment !== null) out.push({ sql: `COMMENT ON INDEX ${quoteQualified(schema, name)} IS ${quoteLiteral(ix.comment)}` });
      if (ix.duplicate) out.push(create(names.take(`${base} dup`), body, unique));
      if (ix.widened && wider) out.push(create(names.take(`${base} wide`), wider));
    }
    if (t.duplicateConstraint) {
      const k1 = names.take(`${NASTY_IDENTIFIERS[t.name]!} k1`);
      const k2 = names.take(`${NASTY_IDENTIFIERS[t.name]!} k2`);
      out.push({ sql: `ALTER TABLE ${q} ADD CONSTRAINT ${quoteIdent(k1)} UNIQUE (${c0}, ${c1})` });
      out.push({
        sql: `ALTER TABLE ${q} ADD CONSTRAINT ${quoteIdent(k2)} UNIQUE (${c0}, ${c1})${t.duplicateConstraint.deferrable ? ' DEFERRABLE INITIALLY DEFERRED' : ''}`,
      });
    }
    if (t.indexDuplicatingConstraint && !partitioned) {
      const k = names.take(`${NASTY_IDENTIFIERS[t.name]!} uk`);
      out.push({ sql: `ALTER TABLE ${q} ADD CONSTRAINT ${quoteIdent(k)} UNIQUE (${c3})` });
      out.push(create(names.take(`${NASTY_IDENTIFIERS[t.name]!} uk copy`), `(${c3})`, true));
    }
    if (t.foreignKey && ti > 0 && !partitioned) {
      out.push({
        sql: `ALTER TABLE ${q} ADD CONSTRAINT ${quoteIdent(names.take(`${NASTY_IDENTIFIERS[t.name]!} fk`))} FOREIGN KEY (${c1}) REFERENCES ${first.table} (${first.key})`,
      });
    }
    if (t.invalidIndex && !partitioned) {
      out.push({ ...create(names.take(`${NASTY_IDENTIFIERS[t.name]!} broken`), `(${c4})`, true), fails: true });
      // The cause goes away (the duplicates are fixed) but the INVALID index stays, as after a real failed build.
      out.push({ sql: `UPDATE ${q} SET ${c4} = ${c0}` });
    }
    if (partitioned && t.renamePartitionIndex) {
      // Rename whichever index PostgreSQL generated on the first partition, if any.
      const renamed = names.take(`${NASTY_IDENTIFIERS[t.name]!} renamed part`);
      out.push({
        sql: `DO $$ DECLARE ix regclass; BEGIN
  SELECT x.indexrelid::regclass INTO ix FROM pg_index x WHERE x.indrelid = ${quoteLiteral(quoteQualified(schema, p1))}::regclass ORDER BY x.indexrelid LIMIT 1;
  IF ix IS NOT NULL THEN EXECUTE format('ALTER INDEX %s RENAME TO %I', ix, ${quoteLiteral(renamed)}); END IF;
END $$`,
      });
    }
  });
  return { schema, statements: out };
}
