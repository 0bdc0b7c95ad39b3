/**
 * Index and foreign-key definitions written the way `SHOW CREATE TABLE` prints them, built from
 * information_schema rows (the server prints no single index on its own).
 */
import type { MysqlProduct } from './server.js';

/** An identifier in backticks, a backtick inside doubled: `` a`b `` → `` `a``b` ``. */
export function quoteMysqlIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A string literal as SHOW CREATE TABLE writes a COMMENT: single quotes, a quote inside doubled, backslashes doubled. */
export function quoteMysqlString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** One key part, as the definition needs it. */
export interface DefinitionKeyPart {
  /** Column name, or null for a functional key part. */
  readonly column: string | null;
  /** The expression of a functional key part, as the server stores it. */
  readonly expression: string | null;
  readonly prefixLength: number | null;
  readonly descending: boolean;
}

/** What decides an index's definition. */
export interface DefinitionIndex {
  readonly name: string;
  readonly primary: boolean;
  readonly unique: boolean;
  /** btree, hash, fulltext, spatial, rtree. */
  readonly method: string;
  readonly parts: readonly DefinitionKeyPart[];
  readonly comment: string | null;
  readonly visible: boolean;
  /** The table's storage engine: it decides which USING clause is the default and left out. */
  readonly engine: string | null;
}

/** The access method an engine uses when CREATE INDEX names none. */
function defaultMethod(engine: string | null): string {
  const name = (engine ?? '').toUpperCase();
  return name === 'MEMORY' || name === 'HEAP' ? 'hash' : 'btree';
}

function keyPart(part: DefinitionKeyPart): string {
  const base = part.column === null ? `(${part.expression ?? ''})` : quoteMysqlIdentifier(part.column);
  const prefix = part.prefixLength !== null ? `(${part.prefixLength})` : '';
  return `${base}${prefix}${part.descending ? ' DESC' : ''}`;
}

/**
 * The index's line of `SHOW CREATE TABLE`, e.g. ``KEY `ix` (`a`(10),`b` DESC)``.
 *
 * The server prints `USING BTREE|HASH` when the CREATE statement named a method, even the
 * default one; information_schema does not say whether it was named, so the clause appears here
 * only when the method is not the engine's default (and then it must have been named). MariaDB
 * stores a UNIQUE key on a long or BLOB column as a hash of the value, printed `USING HASH`.
 */
export function mysqlIndexDefinition(index: DefinitionIndex, product: MysqlProduct): string {
  const parts = index.parts.map(keyPart).join(',');
  const kind = index.primary
    ? 'PRIMARY KEY'
    : index.method === 'fulltext'
      ? `FULLTEXT KEY ${quoteMysqlIdentifier(index.name)}`
      : index.method === 'spatial'
        ? `SPATIAL KEY ${quoteMysqlIdentifier(index.name)}`
        : `${index.unique ? 'UNIQUE KEY' : 'KEY'} ${quoteMysqlIdentifier(index.name)}`;
  const ordinary = index.method === 'btree' || index.method === 'hash';
  const using = ordinary && index.method !== defaultMethod(index.engine) ? ` USING ${index.method.toUpperCase()}` : '';
  const comment = index.comment ? ` COMMENT ${quoteMysqlString(index.comment)}` : '';
  const hidden = index.visible ? '' : product === 'mariadb' ? ' IGNORED' : ' /*!80000 INVISIBLE */';
  return `${kind} (${parts})${using}${comment}${hidden}`;
}

/** What decides a foreign key's definition. */
export interface DefinitionForeignKey {
  readonly name: string;
  readonly schema: string;
  readonly columns: readonly string[];
  readonly referencedSchema: string;
  readonly referencedTable: string;
  readonly referencedColumns: readonly string[];
  readonly onDelete: string;
  readonly onUpdate: string;
}

/**
 * The foreign key's line of `SHOW CREATE TABLE`. The referenced table is qualified only when it
 * is in another database; an action equal to the default is left out, as the server does
 * (MariaDB's default is RESTRICT, MySQL 8's NO ACTION).
 */
export function mysqlForeignKeyDefinition(fk: DefinitionForeignKey, product: MysqlProduct): string {
  const list = (names: readonly string[]): string => names.map(quoteMysqlIdentifier).join(', ');
  const table =
    fk.referencedSchema === fk.schema
      ? quoteMysqlIdentifier(fk.referencedTable)
      : `${quoteMysqlIdentifier(fk.referencedSchema)}.${quoteMysqlIdentifier(fk.referencedTable)}`;
  const omitted = product === 'mariadb' ? 'RESTRICT' : 'NO ACTION';
  const actions = [
    fk.onDelete !== omitted ? ` ON DELETE ${fk.onDelete}` : '',
    fk.onUpdate !== omitted ? ` ON UPDATE ${fk.onUpdate}` : '',
  ].join('');
  return `CONSTRAINT ${quoteMysqlIdentifier(fk.name)} FOREIGN KEY (${list(fk.columns)}) REFERENCES ${table} (${list(fk.referencedColumns)})${actions}`;
}
