/**
 * The SQL of a move to declarative RANGE partitioning by month, generated from the model for
 * partition-candidate. Every statement runs as written on the database it was read from (the
 * tests run them); the parts that need a decision (when to swap, how long to keep data) say so.
 */
import type { Column, ForeignKey, Index, Table } from '../model/types.js';
import { topLevelIndexOf } from '../dialects/postgres/ddl.js';
import { quoteIdent, quoteLiteral, quoteQualified, truncateIdentifier } from '../sql/quote.js';
import { scansOf } from './_statistics.js';

/** The plan, statement by statement, in the order to run it. */
export interface PartitioningPlan {
  /** Name of the new partitioned table while both exist. */
  readonly newTable: string;
  readonly primaryKey: readonly string[];
  /** The partitioned table, its monthly partitions, indexes and foreign keys. */
  readonly create: readonly string[];
  /** Copies the rows, then swaps the names in one short transaction. */
  readonly migrate: readonly string[];
  /** Run monthly: the next partition ahead, and the oldest one dropped instead of DELETE. */
  readonly maintain: readonly string[];
  /** What the statements cannot decide or do. */
  readonly notes: readonly string[];
}

/** Keep partition names (table + `_yYYYYmMM` / `_default`) within PostgreSQL's 63 bytes. */
function partitionPrefix(table: string): string {
  return truncateIdentifier(table, 63 - '_y2025m01'.length);
}

function monthPartitionName(table: string, year: number, month: number): string {
  return `${partitionPrefix(table)}_y${year}m${String(month).padStart(2, '0')}`;
}

/** The SQL expression for a partition name from a month value, matching {@link monthPartitionName}. */
function monthNameSql(table: string): string {
  return `${quoteLiteral(`${partitionPrefix(table)}_`)} || to_char(m, '"y"YYYY"m"MM')`;
}

function isTimestampTz(column: Column): boolean {
  return /with time zone/.test(column.type);
}

/** `CREATE INDEX ON <new> USING …` from an index definition: unnamed, so PostgreSQL names it and its partitions' indexes. */
function indexOnNewTable(index: Index, target: string): string | null {
  const using = topLevelIndexOf(index.definition, ' USING ');
  if (using < 0) return null;
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ON ${target}${index.definition.slice(using)}`;
}

/** Builds the plan for `table`, partitioned by month on `key`. */
export function partitioningPlan(
  table: Table,
  key: Column,
  indexes: readonly Index[],
  foreignKeys: readonly ForeignKey[],
  referencedBy: readonly ForeignKey[],
  readAt: Date,
  retentionMonths: number,
): PartitioningPlan {
  const schema = table.schema;
  const old = quoteQualified(schema, table.name);
  const newTable = truncateIdentifier(`${table.name}_partitioned`);
  const target = quoteQualified(schema, newTable);
  const keyCol = quoteIdent(key.name);
  const notes: string[] = [];

  const primary = indexes.find((i) => i.primary);
  const pkColumns = primary ? primary.keys.map((k) => k.column ?? k.expression) : [];
  const primaryKey = pkColumns.length === 0 ? [] : pkColumns.includes(key.name) ? pkColumns : [...pkColumns, key.name];
  if (primary && !pkColumns.includes(key.name)) {
    notes.push(
      `A primary key (and every unique constraint) of a partitioned table must include the partition key: the primary key becomes (${primaryKey.join(', ')}), so (${pkColumns.join(', ')}) alone is no longer enforced unique across partitions.`,
    );
  }
  const pkClause = primaryKey.length > 0 ? `,\n  PRIMARY KEY (${primaryKey.map(quoteIdent).join(', ')})` : '';
  const create: string[] = [
    `CREATE TABLE ${target} (\n  LIKE ${old} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS${pkClause}\n) PARTITION BY RANGE (${keyCol})`,
  ];
  // One partition per month from the oldest row to three months ahead; the monthly job keeps it ahead.
  const monthType = isTimestampTz(key) ? 'timestamptz' : 'timestamp';
  create.push(
    `DO $$\nDECLARE m ${monthType};\nBEGIN\n` +
      `  FOR m IN SELECT generate_series(date_trunc('month', coalesce((SELECT min(${keyCol}) FROM ${old})::${monthType}, now()::${monthType})),\n` +
      `                                  date_trunc('month', now()::${monthType}) + interval '3 months', interval '1 month') LOOP\n` +
      `    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.%I PARTITION OF ${target.replace(/%/g, '%%')} FOR VALUES FROM (%L) TO (%L)',\n` +
      `                   ${quoteLiteral(schema)}, ${monthNameSql(table.name)}, m, m + interval '1 month');\n` +
      `  END LOOP;\nEND $$`,
  );
  for (const index of indexes) {
    if (index.primary || !index.valid) continue;
    if (index.unique && !index.keys.some((k) => k.column === key.name)) {
      notes.push(
        `${index.name} enforces uniqueness without ${key.name}: a partitioned table cannot enforce it across partitions; it is not recreated.`,
      );
      continue;
    }
    const statement = indexOnNewTable(index, target);
    if (statement !== null) create.push(statement);
  }
  // Scans on every node read: an index only a standby scans is not one to leave out.
  const unused = indexes.filter((i) => !i.primary && i.valid && scansOf(i) === 0).map((i) => i.name);
  if (unused.length > 0) {
    notes.push(
      `The indexes are recreated as they are; leave out the ones nothing scans (${unused.join(', ')}: no scans since the statistics reset), as over-indexed-table and unused-index suggest.`,
    );
  }
  for (const fk of foreignKeys) create.push(`ALTER TABLE ${target} ADD CONSTRAINT ${quoteIdent(fk.name)} ${fk.definition}`);
  if (referencedBy.length > 0) {
    notes.push(
      `Foreign keys reference this table (${referencedBy.map((f) => `${f.schema}.${f.table}.${f.name}`).join(', ')}): they must be recreated against the new primary key (${primaryKey.join(', ')}), which means adding ${key.name} to the referencing tables.`,
    );
  }

  const oldName = truncateIdentifier(`${table.name}_unpartitioned`);
  const sameRow = pkColumns.length > 0 ? pkColumns.map((c) => `n.${quoteIdent(c)} = o.${quoteIdent(c)}`).join(' AND ') : null;
  const catchUp = sameRow
    ? `INSERT INTO ${target} OVERRIDING SYSTEM VALUE SELECT o.* FROM ${old} o WHERE NOT EXISTS (SELECT 1 FROM ${target} n WHERE ${sameRow})`
    : `INSERT INTO ${target} OVERRIDING SYSTEM VALUE SELECT * FROM ${old} WHERE ${keyCol} > (SELECT max(${keyCol}) FROM ${target})`;
  const migrate: string[] = [
    `INSERT INTO ${target} OVERRIDING SYSTEM VALUE SELECT * FROM ${old}`,
    `BEGIN;\nLOCK TABLE ${old} IN EXCLUSIVE MODE;\n${catchUp};\n` +
      `ALTER TABLE ${old} RENAME TO ${quoteIdent(oldName)};\nALTER TABLE ${target} RENAME TO ${quoteIdent(table.name)};\nCOMMIT`,
    // Sequences (serial columns) stay owned by the old table; the new one uses them through its defaults.
    `DO $$\nDECLARE r record;\nBEGIN\n` +
      `  FOR r IN SELECT d.objid::regclass AS seq, a.attname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'\n` +
      `           JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid\n` +
      `           WHERE d.refobjid = ${quoteLiteral(quoteQualified(schema, oldName))}::regclass AND d.deptype = 'a' LOOP\n` +
      `    EXECUTE format('ALTER SEQUENCE %s OWNED BY %I.%I.%I', r.seq, ${quoteLiteral(schema)}, ${quoteLiteral(table.name)}, r.attname);\n` +
      `  END LOOP;\nEND $$`,
    ...primaryKey
      .filter((c) => c !== key.name)
      .map((c) => `SELECT setval(pg_get_serial_sequence(${quoteLiteral(old)}, ${quoteLiteral(c)}), max(${quoteIdent(c)})) FROM ${old}`),
  ];

  const ahead = new Date(Date.UTC(readAt.getUTCFullYear(), readAt.getUTCMonth() + 4, 1));
  const cutoff = new Date(Date.UTC(readAt.getUTCFullYear(), readAt.getUTCMonth() - retentionMonths, 1));
  const aheadName = monthPartitionName(table.name, ahead.getUTCFullYear(), ahead.getUTCMonth() + 1);
  const oldest = monthPartitionName(table.name, cutoff.getUTCFullYear(), cutoff.getUTCMonth() + 1);
  const iso = (d: Date): string => d.toISOString().slice(0, 10);
  const next = new Date(Date.UTC(ahead.getUTCFullYear(), ahead.getUTCMonth() + 1, 1));
  const maintain = [
    `CREATE TABLE IF NOT EXISTS ${quoteQualified(schema, aheadName)} PARTITION OF ${old} FOR VALUES FROM (${quoteLiteral(iso(ahead))}) TO (${quoteLiteral(iso(next))})`,
    `ALTER TABLE ${old} DETACH PARTITION ${quoteQualified(schema, oldest)} CONCURRENTLY`,
    `DROP TABLE ${quoteQualified(schema, oldest)}`,
  ];
  notes.push(
    `Run the maintenance statements monthly (pg_cron, or pg_partman's run_maintenance), with the month names advanced: create the partition three months ahead, and detach and drop the one older than ${retentionMonths} months instead of DELETE; DETACH … CONCURRENTLY must run outside a transaction block and is why there is no DEFAULT partition.`,
    `Copy large tables month by month (INSERT … SELECT … WHERE ${key.name} >= … AND ${key.name} < …) rather than in one statement; the swap then only copies the rows written since, under a lock that blocks writers for that moment.`,
    `Drop ${table.schema}.${oldName} once the application has run on the partitioned table.`,
  );
  if (!key.notNull)
    notes.push(
      `${key.name} can be NULL: the primary key makes it NOT NULL, so rows without a time fail to copy; fill them or make the column NOT NULL first.`,
    );
  return { newTable, primaryKey, create, migrate, maintain, notes };
}
