/**
 * The static reader's fallback, for when the models cannot be imported: PostgreSQL DDL written
 * from the declarations alone. Column types are mapped from their SQLAlchemy names (what a type
 * decorator or a custom type becomes is unknown, and `text` stands in); index and constraint
 * names follow SQLAlchemy's defaults or the naming convention the models set.
 */
import { createHash } from 'node:crypto';
import { quoteIdent } from '../../sql/quote.js';
import type { ColumnDeclaration, ModelDeclarations, TableDeclaration, TableItemDeclaration } from './declarations.js';

const TYPES: Readonly<Record<string, string>> = {
  Integer: 'integer',
  int: 'integer',
  SmallInteger: 'smallint',
  BigInteger: 'bigint',
  String: 'varchar',
  str: 'varchar',
  Unicode: 'varchar',
  Text: 'text',
  UnicodeText: 'text',
  Boolean: 'boolean',
  bool: 'boolean',
  DateTime: 'timestamp',
  datetime: 'timestamp',
  TIMESTAMP: 'timestamp',
  Date: 'date',
  date: 'date',
  Time: 'time',
  Float: 'double precision',
  float: 'double precision',
  Numeric: 'numeric',
  Decimal: 'numeric',
  JSON: 'json',
  JSONB: 'jsonb',
  dict: 'json',
  UUID: 'uuid',
  Uuid: 'uuid',
  LargeBinary: 'bytea',
  bytes: 'bytea',
  Interval: 'interval',
  ARRAY: 'text[]',
};

/** The PostgreSQL type of a declared type, and whether it was known. */
function sqlType(declared: string | null): { type: string; known: boolean } {
  if (declared === null) return { type: 'text', known: false };
  // `Mapped[Optional[int]]`, `sa.String(255)`, `postgresql.JSONB`: the innermost type name.
  const names = declared.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  const name = names.reverse().find((n) => n in TYPES && n !== 'Mapped' && n !== 'Optional');
  if (name === undefined) return { type: 'text', known: false };
  const length = /^(?:\w+\.)?(?:String|Unicode)\((\d+)/.exec(declared)?.[1];
  return { type: length ? `varchar(${length})` : TYPES[name]!, known: true };
}

/**
 * A name from the naming convention, or SQLAlchemy's default for that kind. Tokens as SQLAlchemy
 * fills them (`column_0_label` is `<table>_<column>`); a name longer than PostgreSQL's 63
 * characters is cut as SQLAlchemy cuts it: 55 characters, `_`, the last 4 hex digits of its MD5.
 */
export function conventionName(
  convention: ReadonlyMap<string, string>,
  key: string,
  table: string,
  columns: readonly string[],
  fallback: string,
  referred: string | null = null,
): string {
  const template = convention.get(key);
  if (template === undefined) return fallback;
  const [referredTable, referredColumn] = (referred ?? '').split('.').slice(-2);
  const labels = columns.map((c) => `${table}_${c}`);
  const values: Record<string, string> = {
    table_name: table,
    column_0_name: columns[0] ?? '',
    column_0_key: columns[0] ?? '',
    column_0_label: labels[0] ?? '',
    column_0N_name: columns.join(''),
    column_0_N_name: columns.join('_'),
    column_0N_key: columns.join(''),
    column_0_N_key: columns.join('_'),
    column_0N_label: labels.join(''),
    column_0_N_label: labels.join('_'),
    referred_table_name: referredTable ?? '',
    referred_column_0_name: referredColumn ?? '',
  };
  const name = template.replace(/%\((\w+)\)s/g, (_m, token: string) => values[token] ?? token);
  return name.length > 63 ? `${name.slice(0, 55)}_${createHash('md5').update(name).digest('hex').slice(-4)}` : name;
}

/** Declared columns by `table.column`, for a foreign key's type. */
type ColumnsByName = ReadonlyMap<string, ColumnDeclaration>;

function columnSql(column: ColumnDeclaration, unknown: string[], table: string, columns: ColumnsByName): string {
  let { type, known } = sqlType(column.type);
  // `Column(None, ForeignKey('users.id'))` and `Column(ForeignKey(...))`: SQLAlchemy takes the referenced column's type.
  const referenced = !known && column.references ? columns.get(column.references.split('.').slice(-2).join('.')) : undefined;
  if (referenced) ({ type, known } = sqlType(referenced.type));
  if (!known) unknown.push(`${table}.${column.name}`);
  return `${quoteIdent(column.name)} ${type}${column.nullable === false || column.primaryKey ? ' NOT NULL' : ''}`;
}

function itemSql(table: TableDeclaration, item: TableItemDeclaration, convention: ReadonlyMap<string, string>): string | null {
  const qualified = `${table.schema ? `${quoteIdent(table.schema)}.` : ''}${quoteIdent(table.name)}`;
  if (item.columns.some((c) => c === null)) return null;
  const columns = item.columns as string[];
  const list = columns.map(quoteIdent).join(', ');
  if (item.kind === 'index') {
    const name = item.name ?? conventionName(convention, 'ix', table.name, columns, `ix_${table.name}_${columns[0] ?? ''}`);
    return `CREATE ${item.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(name)} ON ${qualified} (${list})`;
  }
  if (item.kind === 'unique') {
    const name = item.name ?? conventionName(convention, 'uq', table.name, columns, `${table.name}_${columns.join('_')}_key`);
    return `ALTER TABLE ${qualified} ADD CONSTRAINT ${quoteIdent(name)} UNIQUE (${list})`;
  }
  if (item.kind === 'foreign-key' && item.references.length === columns.length) {
    const [refTable] = item.references[0]!.split('.');
    const refColumns = item.references.map((r) => quoteIdent(r.split('.').pop() ?? r)).join(', ');
    const fkName =
      item.name ?? (convention.has('fk') ? conventionName(convention, 'fk', table.name, columns, '', item.references[0]) : null);
    return `ALTER TABLE ${qualified} ADD ${fkName ? `CONSTRAINT ${quoteIdent(fkName)} ` : ''}FOREIGN KEY (${list}) REFERENCES ${quoteIdent(refTable!)} (${refColumns})`;
  }
  return null;
}

/** The DDL, in an order PostgreSQL accepts (tables, then keys, constraints and indexes), and what was approximated. */
export function staticDdl(declarations: ModelDeclarations): { statements: string[]; approximated: string[] } {
  const convention = declarations.namingConvention;
  const tables: string[] = [];
  const after: string[] = [];
  const unknown: string[] = [];
  const columns = new Map<string, ColumnDeclaration>();
  for (const table of declarations.tables) for (const column of table.columns) columns.set(`${table.name}.${column.name}`, column);
  for (const table of declarations.tables) {
    const qualified = `${table.schema ? `${quoteIdent(table.schema)}.` : ''}${quoteIdent(table.name)}`;
    if (table.schema) tables.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(table.schema)}`);
    const keys = table.columns.filter((c) => c.primaryKey).map((c) => quoteIdent(c.name));
    const pkItem = table.items.find((i) => i.kind === 'primary-key');
    const primary = keys.length > 0 ? keys : (pkItem?.columns.filter((c): c is string => c !== null).map(quoteIdent) ?? []);
    // The primary key's name: PrimaryKeyConstraint(name=...), else the convention's `pk`, else PostgreSQL's `<table>_pkey`.
    const pkName = pkItem?.name ?? (convention.has('pk') ? conventionName(convention, 'pk', table.name, [], '') : null);
    const body = [
      ...table.columns.map((c) => columnSql(c, unknown, table.name, columns)),
      ...(primary.length > 0 ? [`${pkName ? `CONSTRAINT ${quoteIdent(pkName)} ` : ''}PRIMARY KEY (${primary.join(', ')})`] : []),
    ];
    tables.push(`CREATE TABLE ${qualified} (${body.join(', ')})`);
    // SQLAlchemy creates a table's indexes in name order; so does this, so that duplicates pair up the same way.
    const indexes: { name: string; sql: string }[] = [];
    for (const column of table.columns) {
      if (column.references) {
        const [refTable, refColumn] = column.references.split('.').slice(-2);
        const fkName = convention.has('fk') ? conventionName(convention, 'fk', table.name, [column.name], '', column.references) : null;
        after.push(
          `ALTER TABLE ${qualified} ADD ${fkName ? `CONSTRAINT ${quoteIdent(fkName)} ` : ''}FOREIGN KEY (${quoteIdent(column.name)}) REFERENCES ${quoteIdent(refTable!)} (${quoteIdent(refColumn ?? 'id')})`,
        );
      }
      if (column.index) {
        const name = conventionName(convention, 'ix', table.name, [column.name], `ix_${table.name}_${column.name}`);
        indexes.push({
          name,
          sql: `CREATE ${column.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(name)} ON ${qualified} (${quoteIdent(column.name)})`,
        });
      } else if (column.unique) {
        const name = conventionName(convention, 'uq', table.name, [column.name], `${table.name}_${column.name}_key`);
        after.push(`ALTER TABLE ${qualified} ADD CONSTRAINT ${quoteIdent(name)} UNIQUE (${quoteIdent(column.name)})`);
      }
    }
    for (const item of table.items) {
      const sql = itemSql(table, item, convention);
      if (sql === null) continue;
      if (item.kind === 'index') indexes.push({ name: item.name ?? '', sql });
      else after.push(sql);
    }
    after.push(...indexes.sort((x, y) => x.name.localeCompare(y.name)).map((i) => i.sql));
  }
  return { statements: [...tables, ...after], approximated: unknown };
}
