/**
 * What a fix statement does, read with PostgreSQL's own parser (libpg-query) rather than by
 * pattern matching, so that names with spaces, quotes or keywords in them are read right.
 * Writers use it to render statements natively; `apply` uses it to make each statement safe to
 * run again (a resumed or rolled-back step) and to clean up after a failed concurrent build.
 */
import { parse } from 'libpg-query';

export interface RelationName {
  /** Null when the statement does not qualify the name (it then resolves through search_path). */
  readonly schema: string | null;
  readonly name: string;
}

export type ParsedStatement =
  | {
      readonly kind: 'create-index';
      readonly concurrently: boolean;
      /** Schema of the table, which is also the index's. */
      readonly schema: string | null;
      readonly table: string;
      /** Null for an unnamed index. */
      readonly name: string | null;
      readonly unique: boolean;
      readonly method: string;
      /** Plain column keys without options, no INCLUDE, WITH, TABLESPACE or WHERE: else null. */
      readonly plainColumns: readonly string[] | null;
      readonly only: boolean;
      readonly ifNotExists: boolean;
    }
  | { readonly kind: 'drop-index'; readonly concurrently: boolean; readonly index: RelationName; readonly ifExists: boolean }
  | {
      readonly kind: 'drop-constraint';
      readonly concurrently: false;
      readonly table: RelationName;
      readonly constraint: string;
      readonly ifExists: boolean;
    }
  | {
      readonly kind: 'add-constraint';
      readonly concurrently: false;
      readonly table: RelationName;
      readonly constraint: string | null;
      readonly usingIndex: string | null;
    }
  | { readonly kind: 'attach-index'; readonly concurrently: false; readonly parent: RelationName; readonly child: RelationName }
  | { readonly kind: 'other'; readonly concurrently: false };

/* The few AST shapes read here (libpg-query's JSON). */
interface StringNode {
  String?: { sval?: string };
}
interface RangeVar {
  schemaname?: string;
  relname?: string;
  inh?: boolean;
}
interface IndexElem {
  name?: string;
  expr?: unknown;
  collation?: unknown[];
  opclass?: unknown[];
  opclassopts?: unknown[];
  ordering?: string;
  nulls_ordering?: string;
}
interface IndexStmt {
  idxname?: string;
  relation?: RangeVar;
  accessMethod?: string;
  tableSpace?: string;
  indexParams?: { IndexElem?: IndexElem }[];
  indexIncludingParams?: unknown[];
  options?: unknown[];
  whereClause?: unknown;
  unique?: boolean;
  nulls_not_distinct?: boolean;
  concurrent?: boolean;
  if_not_exists?: boolean;
}
interface DropStmt {
  objects?: { List?: { items?: StringNode[] } }[];
  removeType?: string;
  missing_ok?: boolean;
  concurrent?: boolean;
}
interface AlterTableCmd {
  subtype?: string;
  name?: string;
  missing_ok?: boolean;
  def?: { Constraint?: { conname?: string; indexname?: string }; PartitionCmd?: { name?: RangeVar } };
}
interface AlterTableStmt {
  relation?: RangeVar;
  objtype?: string;
  cmds?: { AlterTableCmd?: AlterTableCmd }[];
}

function relation(rv: RangeVar | undefined): RelationName {
  return { schema: rv?.schemaname ?? null, name: rv?.relname ?? '' };
}

function isPlainElem(elem: IndexElem | undefined): elem is IndexElem & { name: string } {
  return (
    elem !== undefined &&
    typeof elem.name === 'string' &&
    elem.expr === undefined &&
    (elem.collation ?? []).length === 0 &&
    (elem.opclass ?? []).length === 0 &&
    (elem.opclassopts ?? []).length === 0 &&
    (elem.ordering ?? 'SORTBY_DEFAULT') === 'SORTBY_DEFAULT' &&
    (elem.nulls_ordering ?? 'SORTBY_NULLS_DEFAULT') === 'SORTBY_NULLS_DEFAULT'
  );
}

function fromIndexStmt(stmt: IndexStmt): ParsedStatement {
  const elems = (stmt.indexParams ?? []).map((p) => p.IndexElem);
  const plain =
    elems.length > 0 &&
    elems.every(isPlainElem) &&
    (stmt.indexIncludingParams ?? []).length === 0 &&
    (stmt.options ?? []).length === 0 &&
    stmt.tableSpace === undefined &&
    stmt.whereClause === undefined &&
    stmt.nulls_not_distinct !== true;
  const table = relation(stmt.relation);
  return {
    kind: 'create-index',
    concurrently: stmt.concurrent === true,
    schema: table.schema,
    table: table.name,
    name: stmt.idxname ?? null,
    unique: stmt.unique === true,
    method: stmt.accessMethod ?? 'btree',
    plainColumns: plain ? elems.map((e) => e!.name!) : null,
    only: stmt.relation?.inh !== true,
    ifNotExists: stmt.if_not_exists === true,
  };
}

function fromDropStmt(stmt: DropStmt): ParsedStatement {
  const items = (stmt.objects?.[0]?.List?.items ?? []).map((i) => i.String?.sval ?? '');
  if (stmt.removeType !== 'OBJECT_INDEX' || items.length === 0) return { kind: 'other', concurrently: false };
  const name = items[items.length - 1]!;
  const schema = items.length > 1 ? items[items.length - 2]! : null;
  return { kind: 'drop-index', concurrently: stmt.concurrent === true, index: { schema, name }, ifExists: stmt.missing_ok === true };
}

function fromAlterTable(stmt: AlterTableStmt): ParsedStatement {
  const cmds = stmt.cmds ?? [];
  const cmd = cmds[0]?.AlterTableCmd;
  if (cmds.length !== 1 || !cmd) return { kind: 'other', concurrently: false };
  const rel = relation(stmt.relation);
  if (cmd.subtype === 'AT_DropConstraint' && cmd.name !== undefined) {
    return { kind: 'drop-constraint', concurrently: false, table: rel, constraint: cmd.name, ifExists: cmd.missing_ok === true };
  }
  if (cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint) {
    return {
      kind: 'add-constraint',
      concurrently: false,
      table: rel,
      constraint: cmd.def.Constraint.conname ?? null,
      usingIndex: cmd.def.Constraint.indexname ?? null,
    };
  }
  if (cmd.subtype === 'AT_AttachPartition' && stmt.objtype === 'OBJECT_INDEX' && cmd.def?.PartitionCmd?.name) {
    return { kind: 'attach-index', concurrently: false, parent: rel, child: relation(cmd.def.PartitionCmd.name) };
  }
  return { kind: 'other', concurrently: false };
}

/** Reads one statement; anything it does not recognise (or cannot parse) is `other`. */
export async function parseStatement(sql: string): Promise<ParsedStatement> {
  let result: { stmts?: { stmt?: Record<string, unknown> }[] };
  try {
    result = (await parse(sql)) as typeof result;
  } catch {
    return { kind: 'other', concurrently: false };
  }
  const stmts = result.stmts ?? [];
  const node = stmts.length === 1 ? stmts[0]?.stmt : undefined;
  if (!node) return { kind: 'other', concurrently: false };
  if ('IndexStmt' in node) return fromIndexStmt(node.IndexStmt as IndexStmt);
  if ('DropStmt' in node) return fromDropStmt(node.DropStmt as DropStmt);
  if ('AlterTableStmt' in node) return fromAlterTable(node.AlterTableStmt as AlterTableStmt);
  return { kind: 'other', concurrently: false };
}
