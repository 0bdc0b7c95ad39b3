/**
 * The benchmark's baseline: the raw catalog rows an audit needs, fetched with one plain
 * `SELECT *` per catalog, no joins, no functions, no formatting.
 */
import type pg from 'pg';
import { AUDIT_SETTINGS } from '../src/dialects/postgres/introspect/queries.js';

const TABLES_OF = `SELECT c.oid FROM pg_catalog.pg_class c
  WHERE c.relkind IN ('r', 'p', 'm') AND c.relnamespace IN (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = ANY ($1::text[]))`;

export const BASELINE_QUERIES: readonly (readonly [string, string])[] = [
  ['pg_namespace', `SELECT * FROM pg_catalog.pg_namespace WHERE nspname = ANY ($1::text[])`],
  [
    'pg_class',
    `SELECT * FROM pg_catalog.pg_class WHERE relnamespace IN (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = ANY ($1::text[]))`,
  ],
  ['pg_index', `SELECT * FROM pg_catalog.pg_index WHERE indrelid IN (${TABLES_OF})`],
  ['pg_attribute', `SELECT * FROM pg_catalog.pg_attribute WHERE attnum > 0 AND NOT attisdropped AND attrelid IN (${TABLES_OF})`],
  ['pg_constraint', `SELECT * FROM pg_catalog.pg_constraint WHERE conrelid IN (${TABLES_OF})`],
  ['pg_stats', `SELECT * FROM pg_catalog.pg_stats WHERE schemaname = ANY ($1::text[])`],
  ['pg_stat_user_tables', `SELECT * FROM pg_catalog.pg_stat_user_tables WHERE schemaname = ANY ($1::text[])`],
  ['pg_stat_user_indexes', `SELECT * FROM pg_catalog.pg_stat_user_indexes WHERE schemaname = ANY ($1::text[])`],
  // The smaller catalogs the audit reads as well: the types of the columns, the rows that name
  // operator classes, collations and access methods, comments, partition links, extension
  // membership, the settings and the database's statistics reset time.
  [
    'pg_type',
    `SELECT * FROM pg_catalog.pg_type WHERE oid IN (SELECT atttypid FROM pg_catalog.pg_attribute WHERE attrelid IN (${TABLES_OF}))`,
  ],
  ['pg_opclass', `SELECT * FROM pg_catalog.pg_opclass`],
  ['pg_opfamily', `SELECT * FROM pg_catalog.pg_opfamily`],
  ['pg_am', `SELECT * FROM pg_catalog.pg_am`],
  ['pg_amop', `SELECT * FROM pg_catalog.pg_amop`],
  ['pg_collation', `SELECT * FROM pg_catalog.pg_collation`],
  [
    'pg_description',
    `SELECT * FROM pg_catalog.pg_description WHERE classoid = 'pg_catalog.pg_class'::regclass AND objoid IN (SELECT oid FROM pg_catalog.pg_class WHERE relnamespace IN (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = ANY ($1::text[])))`,
  ],
  [
    'pg_inherits',
    `SELECT * FROM pg_catalog.pg_inherits WHERE inhrelid IN (SELECT oid FROM pg_catalog.pg_class WHERE relnamespace IN (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = ANY ($1::text[])))`,
  ],
  ['pg_depend (extension members)', `SELECT * FROM pg_catalog.pg_depend WHERE deptype = 'e'`],
  ['pg_settings', `SELECT * FROM pg_catalog.pg_settings WHERE name = ANY ('{${AUDIT_SETTINGS.join(',')}}'::text[])`],
  ['pg_extension', `SELECT * FROM pg_catalog.pg_extension`],
  ['pg_tablespace', `SELECT * FROM pg_catalog.pg_tablespace`],
  ['pg_stat_database', `SELECT * FROM pg_catalog.pg_stat_database WHERE datname = current_database()`],
];

export async function baseline(
  client: pg.Client,
  schemas: readonly string[],
): Promise<{ ms: number; rows: number; perQuery: Map<string, number> }> {
  const perQuery = new Map<string, number>();
  let rows = 0;
  const start = performance.now();
  for (const [label, text] of BASELINE_QUERIES) {
    const t = performance.now();
    const result = await client.query(text, text.includes('$1') ? [schemas] : []);
    perQuery.set(label, performance.now() - t);
    rows += result.rowCount ?? result.rows.length;
  }
  return { ms: performance.now() - start, rows, perQuery };
}
