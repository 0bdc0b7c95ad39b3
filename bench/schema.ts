/**
 * The benchmark's schema, generated server-side: one DO block per chunk of tables (tens of round
 * trips, not tens of thousands), chunks run on a few connections at once.
 *
 * Every table has exactly INDEXES_PER_TABLE indexes: a primary key, a unique constraint, a
 * composite index, and five more that vary with the table's number so that the rules have
 * something to find — exact duplicates, left-prefix redundant indexes, partial, expression,
 * DESC and INCLUDE indexes — and foreign keys, some served by an index and some not.
 */
import pg from 'pg';

export const INDEXES_PER_TABLE = 8;

export interface SchemaShape {
  /** Schemas `bench_s1` … `bench_s<schemas>`. */
  readonly schemas: number;
  readonly tablesPerSchema: number;
  /** Tables per DO block; foreign keys stay inside a chunk, so concurrent chunks never lock the same table. */
  readonly chunkSize: number;
}

export function schemaNames(shape: SchemaShape): string[] {
  return Array.from({ length: shape.schemas }, (_, i) => `bench_s${i + 1}`);
}

/**
 * One DO block creating tables [from, to) of one schema (global numbers `base + i` pick the
 * variants). Within the chunk, table j references table j-1 (parent_id) and the chunk's first
 * table (other_id).
 */
function chunkSql(schema: string, from: number, to: number, base: number): string {
  return `
DO $bench$
DECLARE
  s text := ${pg.escapeLiteral(schema)};
  first_t int := ${from};
  t text;
  q text;
  g int;
BEGIN
  FOR i IN ${from}..${to - 1} LOOP
    g := ${base} + i;
    t := 't' || lpad(i::text, 5, '0');
    q := format('%I.%I', s, t);
    EXECUTE format($$CREATE TABLE %s (
        id bigint PRIMARY KEY,
        parent_id bigint %s,
        other_id bigint %s,
        ref_id bigint,
        a int, b int, c text, d timestamptz, e int, status int, email text, code text,
        CONSTRAINT %I UNIQUE (code))$$,
      q,
      CASE WHEN i > first_t THEN format('REFERENCES %I.%I (id)', s, 't' || lpad((i - 1)::text, 5, '0')) ELSE '' END,
      CASE WHEN i > first_t + 1 THEN format('REFERENCES %I.%I (id) ON DELETE CASCADE', s, 't' || lpad(first_t::text, 5, '0')) ELSE '' END,
      t || '_code_key');
    -- 3: composite
    EXECUTE format('CREATE INDEX %I ON %s (a, b)', t || '_a_b_idx', q);
    -- 4: exact duplicate / left-prefix redundant / serves parent_id FK / a different order
    EXECUTE CASE g % 4
      WHEN 0 THEN format('CREATE INDEX %I ON %s (a, b)', t || '_a_b_idx1', q)
      WHEN 1 THEN format('CREATE INDEX %I ON %s (a)', t || '_a_idx', q)
      WHEN 2 THEN format('CREATE INDEX %I ON %s (parent_id)', t || '_parent_id_idx', q)
      ELSE format('CREATE INDEX %I ON %s (b, a)', t || '_b_a_idx', q) END;
    -- 5: partial
    EXECUTE CASE WHEN g % 10 = 0
      THEN format('CREATE INDEX %I ON %s (parent_id) WHERE parent_id IS NOT NULL', t || '_parent_id_partial', q)
      ELSE format('CREATE INDEX %I ON %s (status) WHERE status <> 0', t || '_status_partial', q) END;
    -- 6: expression
    EXECUTE format('CREATE INDEX %I ON %s (lower(email))', t || '_lower_email_idx', q);
    -- 7: DESC with INCLUDE
    EXECUTE format('CREATE INDEX %I ON %s (d DESC) INCLUDE (e)', t || '_d_desc_idx', q);
    -- 8: serves other_id FK / duplicates the unique constraint / text + DESC composite
    EXECUTE CASE
      WHEN g % 5 = 0 THEN format('CREATE INDEX %I ON %s (other_id, a)', t || '_other_id_a_idx', q)
      WHEN g % 7 = 0 THEN format('CREATE UNIQUE INDEX %I ON %s (code)', t || '_code_uidx', q)
      ELSE format('CREATE INDEX %I ON %s (c, d DESC NULLS LAST)', t || '_c_d_idx', q) END;
  END LOOP;
END
$bench$`;
}

/** Cross-schema foreign keys (every 10th table of schemas 2… references schema 1), unindexed. */
function crossSchemaSql(shape: SchemaShape): string {
  return `
DO $bench$
BEGIN
  FOR k IN 2..${shape.schemas} LOOP
    FOR i IN 0..${shape.tablesPerSchema - 1} BY 10 LOOP
      EXECUTE format('ALTER TABLE %I.%I ADD CONSTRAINT %I FOREIGN KEY (ref_id) REFERENCES %I.%I (id)',
        'bench_s' || k, 't' || lpad(i::text, 5, '0'), 't' || lpad(i::text, 5, '0') || '_ref_id_fkey',
        'bench_s1', 't' || lpad(i::text, 5, '0'));
    END LOOP;
  END LOOP;
END
$bench$`;
}

/** Builds the schema on `connections` parallel connections to `url`. */
export async function buildSchema(
  url: string,
  shape: SchemaShape,
  connections: number,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const jobs: string[] = [];
  schemaNames(shape).forEach((schema, k) => {
    for (let from = 0; from < shape.tablesPerSchema; from += shape.chunkSize) {
      jobs.push(chunkSql(schema, from, Math.min(from + shape.chunkSize, shape.tablesPerSchema), k * shape.tablesPerSchema));
    }
  });
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  try {
    await setup.query(
      schemaNames(shape)
        .map((s) => `CREATE SCHEMA ${pg.escapeIdentifier(s)}`)
        .join(';\n'),
    );
  } finally {
    await setup.end();
  }

  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // Nothing here needs to survive a crash: the database is dropped at the end anyway.
      await client.query('SET synchronous_commit = off');
      while (next < jobs.length) {
        const job = jobs[next++]!;
        await client.query(job);
        onProgress?.(++done, jobs.length);
      }
    } finally {
      await client.end();
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));

  const final = new pg.Client({ connectionString: url });
  await final.connect();
  try {
    await final.query(crossSchemaSql(shape));
    // Fresh statistics, as a real database would have them (reltuples, pg_stat_*).
    await final.query('ANALYZE');
  } finally {
    await final.end();
  }
}
