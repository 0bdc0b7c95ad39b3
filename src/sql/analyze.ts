/**
 * What one statement does with the tables, from its parse tree: the command, the tables read
 * and written, and per table occurrence the AND-groups of column uses an index could serve,
 * with ORDER BY, GROUP BY and LIMIT. Names resolve through aliases, CTEs, subqueries in FROM
 * and WHERE, and JOIN … ON/USING.
 */
import { bodyOf, structOf, listOf, names, nodeOf, stringOf, type AstBody } from './ast.js';
import { conditionDnf, visitSubqueries, type Dnf, type Item, type SubqueryAnalyzer } from './conditions.js';
import { columnRefsIn, printExpression } from './expression.js';
import { resolveTable, type ModelTables } from './resolve.js';
import {
  resolveColumnNode,
  resolveColumnRef,
  starOutputs,
  type Occurrence,
  type OutputColumn,
  type RangeEntry,
  type Scope,
} from './scope.js';
import type { ColumnUse, ColumnUseGroup, QueryCommand, QueryTableRef } from '../model/workload.js';
import { HIDDEN } from './scope.js';

/** The analysis of one statement. */
export interface StatementAnalysis {
  readonly command: QueryCommand;
  readonly tables: readonly QueryTableRef[];
  readonly tablesWritten: readonly QueryTableRef[];
  readonly groups: readonly ColumnUseGroup[];
  readonly columnUses: readonly ColumnUse[];
  readonly limit: number | 'parameter' | null;
}

/** Beyond this many AND-groups for one table occurrence, further OR alternatives are dropped. */
const MAX_GROUPS = 32;

interface CteDefinition {
  readonly query: unknown;
  /** Outputs as seen from outside; sources are null when the CTE is not inlined (conditions do not reach its tables). */
  outputs: readonly OutputColumn[] | null;
  readonly inlinable: boolean;
}

interface BlockOrdering {
  readonly orderBy: readonly ColumnUse[];
  readonly groupBy: readonly ColumnUse[];
  readonly limit: number | 'parameter' | null;
}

/** State shared by all query blocks of one statement. */
class StatementCollector {
  readonly occurrences: Occurrence[] = [];
  readonly written: QueryTableRef[] = [];
  /** Per occurrence id: each contribution is a DNF (alternatives) of that occurrence's uses. */
  readonly contributions = new Map<number, ColumnUse[][][]>();
  readonly orderings = new Map<number, BlockOrdering>();
  readonly cteReferences = new Map<string, number>();

  constructor(readonly tables: ModelTables) {}

  occurrence(schema: string | null, name: string): Occurrence {
    const ref = resolveTable(this.tables, schema, name);
    const occurrence: Occurrence = { id: this.occurrences.length, ref, table: this.tables.find(schema, name) };
    this.occurrences.push(occurrence);
    return occurrence;
  }

  contribute(dnf: Dnf): void {
    const touched = new Set<Occurrence>();
    for (const branch of dnf) for (const item of branch) touched.add(item.occurrence);
    for (const occurrence of touched) {
      const alternatives = dnf.map((branch) => branch.filter((i) => i.occurrence === occurrence).map((i) => i.use));
      const list = this.contributions.get(occurrence.id) ?? [];
      list.push(alternatives);
      this.contributions.set(occurrence.id, list);
    }
  }
}

function limitOf(select: AstBody): number | 'parameter' | null {
  const count = select.limitCount;
  if (count === undefined || count === null) return null;
  const node = nodeOf(bodyOf(count, 'TypeCast')?.arg ?? count);
  if (node?.[0] === 'ParamRef') return 'parameter';
  if (node?.[0] !== 'A_Const') return null;
  const ival = node[1].ival as { ival?: number } | undefined;
  if (ival !== undefined) return ival.ival ?? 0;
  // Logged parameters come back quoted: LIMIT '20'.
  const sval = (node[1].sval as { sval?: string } | undefined)?.sval;
  return sval !== undefined && /^\d+$/.test(sval) ? Number(sval) : null;
}

function sameUse(a: ColumnUse, b: ColumnUse): boolean {
  return (
    sameRef(a.table, b.table) &&
    a.column === b.column &&
    a.kind === b.kind &&
    a.expression === b.expression &&
    a.operator === b.operator &&
    a.value === b.value &&
    a.descending === b.descending &&
    a.joinedTo?.column === b.joinedTo?.column &&
    (a.joinedTo === undefined) === (b.joinedTo === undefined) &&
    (a.joinedTo === undefined || b.joinedTo === undefined || sameRef(a.joinedTo.table, b.joinedTo.table))
  );
}

function sameRef(a: QueryTableRef, b: QueryTableRef): boolean {
  return a.schema === b.schema && a.table === b.table;
}

function dedupe(uses: readonly ColumnUse[]): ColumnUse[] {
  const out: ColumnUse[] = [];
  for (const u of uses) if (!out.some((o) => sameUse(o, u))) out.push(u);
  return out;
}

class StatementAnalyzer {
  private readonly ctes = new Map<string, CteDefinition>();

  constructor(private readonly collector: StatementCollector) {}

  private readonly subquery: SubqueryAnalyzer = (select, scope, inLink) => this.query(select, scope, inLink);

  /** Any query node (SELECT, or a data-modifying statement in a CTE); returns its output columns. */
  query(node: unknown, parent: Scope | null, inLink?: Parameters<SubqueryAnalyzer>[2]): readonly OutputColumn[] {
    const parsed = nodeOf(node);
    if (!parsed) return [];
    const [type, body] = parsed;
    if (type === 'SelectStmt') return this.select(body, parent, inLink);
    if (type === 'InsertStmt' || type === 'UpdateStmt' || type === 'DeleteStmt') this.modification(type, body, parent);
    return [];
  }

  private withClause(body: AstBody, parent: Scope | null): void {
    const withClause = structOf(body.withClause, 'WithClause');
    if (!withClause) return;
    const recursive = withClause.recursive === true;
    for (const item of listOf(withClause, 'ctes')) {
      const cte = bodyOf(item, 'CommonTableExpr');
      const name = stringOf(cte, 'ctename');
      if (!cte || !name) continue;
      const query = cte.ctequery;
      // PostgreSQL inlines a plain SELECT CTE referenced once (12+) unless MATERIALIZED or recursive.
      const inlinable =
        !recursive &&
        stringOf(cte, 'ctematerialized') !== 'CTEMaterializeAlways' &&
        nodeOf(query)?.[0] === 'SelectStmt' &&
        (this.collector.cteReferences.get(name) ?? 0) <= 1;
      const definition: CteDefinition = { query, outputs: null, inlinable };
      // A recursive CTE may refer to itself; register it first with unknown outputs.
      this.ctes.set(name, definition);
      const outputs = this.query(query, parent);
      const aliases = names(listOf(cte, 'aliascolnames'));
      const renamed = outputs.map((o, i) => ({ name: aliases[i] ?? o.name, source: inlinable ? o.source : null }));
      definition.outputs = renamed;
    }
  }

  private fromItem(item: unknown, scope: Scope, joinQuals: unknown[], parent: Scope | null): RangeEntry[] {
    const node = nodeOf(item);
    if (!node) return [];
    const [type, body] = node;
    const alias = stringOf(structOf(body.alias, 'Alias'), 'aliasname');
    if (type === 'RangeVar') {
      const relname = stringOf(body, 'relname') ?? '?';
      const schema = stringOf(body, 'schemaname');
      const cte = schema === null ? this.ctes.get(relname) : undefined;
      if (cte) return [{ kind: 'derived', name: alias ?? relname, outputs: cte.outputs ?? [] }];
      return [
        { kind: 'table', name: alias ?? relname, schema: alias ? null : schema, occurrence: this.collector.occurrence(schema, relname) },
      ];
    }
    if (type === 'RangeSubselect') {
      // LATERAL subqueries see the FROM items before them; others only the enclosing blocks.
      const outputs = this.query(body.subquery, body.lateral === true ? scope : parent);
      const colnames = names(listOf(structOf(body.alias, 'Alias'), 'colnames'));
      return [{ kind: 'derived', name: alias ?? '?', outputs: outputs.map((o, i) => ({ name: colnames[i] ?? o.name, source: o.source })) }];
    }
    if (type === 'JoinExpr') {
      const left = this.fromItem(body.larg, scope, joinQuals, parent);
      // A LATERAL item on the right sees the left side.
      const right = this.fromItem(body.rarg, { entries: [...scope.entries, ...left], parent: scope.parent }, joinQuals, parent);
      const entries = [...left, ...right];
      if (body.quals !== undefined) joinQuals.push(body.quals);
      for (const column of names(listOf(body, 'usingClause'))) {
        const ref = { ColumnRef: { fields: [{ String: { sval: column } }] } };
        const l = resolveColumnNode(ref, { entries: left, parent: null });
        const r = resolveColumnNode(ref, { entries: right, parent: null });
        if (!l || !r) continue;
        // Hidden names (never written in SQL) let the USING equality resolve to exactly these two occurrences.
        const hiddenLeft = `${HIDDEN}${l.occurrence.id}`;
        const hiddenRight = `${HIDDEN}${r.occurrence.id}`;
        entries.push({ kind: 'table', name: hiddenLeft, schema: null, occurrence: l.occurrence });
        entries.push({ kind: 'table', name: hiddenRight, schema: null, occurrence: r.occurrence });
        joinQuals.push({
          A_Expr: {
            kind: 'AEXPR_OP',
            name: [{ String: { sval: '=' } }],
            lexpr: { ColumnRef: { fields: [{ String: { sval: hiddenLeft } }, { String: { sval: l.column } }] } },
            rexpr: { ColumnRef: { fields: [{ String: { sval: hiddenRight } }, { String: { sval: r.column } }] } },
          },
        });
      }
      return entries;
    }
    if (type === 'RangeFunction' || type === 'RangeTableFunc' || type === 'RangeTableSample') {
      if (type === 'RangeTableSample') return this.fromItem(body.relation, scope, joinQuals, parent);
      visitSubqueries(body, scope, this.subquery);
      return [{ kind: 'opaque', name: alias ?? '?' }];
    }
    return [];
  }

  private buildScope(fromItems: readonly unknown[], parent: Scope | null, joinQuals: unknown[]): Scope {
    const scope: Scope = { entries: [], parent };
    for (const item of fromItems) scope.entries.push(...this.fromItem(item, scope, joinQuals, parent));
    return scope;
  }

  /** ORDER BY / GROUP BY items as uses, when they all belong to one table occurrence. */
  private orderingUses(
    items: readonly { node: unknown; sort?: AstBody }[],
    targets: readonly unknown[],
    scope: Scope,
    kind: 'order-by' | 'group-by',
  ): Item[] | null {
    const out: Item[] = [];
    for (const { node, sort } of items) {
      let expr = node;
      // ORDER BY 2, or ORDER BY an output alias: the select-list expression it names.
      const position = bodyOf(node, 'A_Const')?.ival as { ival?: number } | undefined;
      if (position !== undefined) expr = bodyOf(targets[(position.ival ?? 0) - 1], 'ResTarget')?.val;
      const ref = bodyOf(node, 'ColumnRef');
      if (ref && listOf(ref, 'fields').length === 1) {
        const name = names(listOf(ref, 'fields'))[0];
        const target = targets.map((t) => bodyOf(t, 'ResTarget')).find((t) => stringOf(t, 'name') === name);
        if (target && !resolveColumnRef(ref, scope)) expr = target.val;
      }
      const refs = columnRefsIn(expr);
      const resolved = refs.map((r) => resolveColumnRef(r, scope));
      const first = resolved[0];
      if (!first || resolved.some((r) => r?.occurrence !== first.occurrence || r.column !== first.column)) return null;
      const direction = stringOf(sort ?? null, 'sortby_dir');
      const nulls = stringOf(sort ?? null, 'sortby_nulls');
      const descending = direction === 'SORTBY_DESC';
      const isColumn = bodyOf(expr, 'ColumnRef') !== null;
      const use: ColumnUse = {
        table: first.occurrence.ref,
        column: first.column,
        kind,
        ...(isColumn ? {} : { expression: printExpression(expr) }),
        ...(kind === 'order-by'
          ? { descending, nullsFirst: nulls === 'SORTBY_NULLS_DEFAULT' || nulls === null ? descending : nulls === 'SORTBY_NULLS_FIRST' }
          : {}),
      };
      out.push({ occurrence: first.occurrence, use });
    }
    if (out.length === 0 || out.some((i) => i.occurrence !== out[0]?.occurrence)) return null;
    return out;
  }

  private select(body: AstBody, parent: Scope | null, inLink?: Parameters<SubqueryAnalyzer>[2]): readonly OutputColumn[] {
    this.withClause(body, parent);
    const op = stringOf(body, 'op');
    if (op && op !== 'SETOP_NONE') {
      const left = this.query({ SelectStmt: body.larg }, parent);
      this.query({ SelectStmt: body.rarg }, parent);
      return left.map((o) => ({ name: o.name, source: null }));
    }
    if (listOf(body, 'valuesLists').length > 0) {
      visitSubqueries(body.valuesLists, { entries: [], parent }, this.subquery);
      return [];
    }
    const joinQuals: unknown[] = [];
    const scope = this.buildScope(listOf(body, 'fromClause'), parent, joinQuals);
    const targets = listOf(body, 'targetList');
    const outputs: OutputColumn[] = [];
    for (const target of targets) {
      const t = bodyOf(target, 'ResTarget');
      const val = t?.val;
      const ref = bodyOf(val, 'ColumnRef');
      const fields = ref ? names(listOf(ref, 'fields')) : [];
      if (ref && fields[fields.length - 1] === '*') {
        outputs.push(...starOutputs(scope, fields.length > 1 ? (fields[fields.length - 2] ?? null) : null));
        continue;
      }
      const name =
        stringOf(t, 'name') ??
        (ref ? (fields[fields.length - 1] ?? '?') : (names(listOf(bodyOf(val, 'FuncCall'), 'funcname')).pop() ?? '?column?'));
      outputs.push({ name, source: ref ? resolveColumnRef(ref, scope) : null });
      visitSubqueries(val, scope, this.subquery);
    }
    const condition =
      joinQuals.length > 0 || body.whereClause !== undefined
        ? { BoolExpr: { boolop: 'AND_EXPR', args: [...joinQuals, ...(body.whereClause === undefined ? [] : [body.whereClause])] } }
        : undefined;
    let dnf = conditionDnf(condition, scope, this.subquery);
    const linked = outputs[0]?.source;
    if (inLink && linked) {
      const join: Item = {
        occurrence: linked.occurrence,
        use: {
          table: linked.occurrence.ref,
          column: linked.column,
          kind: 'join',
          operator: '=',
          joinedTo: { table: inLink.occurrence.ref, column: inLink.column },
        },
      };
      dnf = dnf.map((branch) => [...branch, join]);
    }
    this.collector.contribute(dnf);
    visitSubqueries(body.havingClause, scope, this.subquery);
    const orderBy = this.orderingUses(
      listOf(body, 'sortClause').map((s) => ({ node: bodyOf(s, 'SortBy')?.node, sort: bodyOf(s, 'SortBy') ?? undefined })),
      targets,
      scope,
      'order-by',
    );
    const groupBy = this.orderingUses(
      listOf(body, 'groupClause').map((node) => ({ node })),
      targets,
      scope,
      'group-by',
    );
    const limit = limitOf(body);
    const orderOccurrence = orderBy?.[0]?.occurrence;
    const groupOccurrence = groupBy?.[0]?.occurrence;
    for (const occurrence of new Set([orderOccurrence, groupOccurrence])) {
      if (!occurrence) continue;
      this.collector.orderings.set(occurrence.id, {
        orderBy: occurrence === orderOccurrence ? (orderBy ?? []).map((i) => i.use) : [],
        groupBy: occurrence === groupOccurrence ? (groupBy ?? []).map((i) => i.use) : [],
        limit: occurrence === orderOccurrence || scope.entries.length === 1 ? limit : null,
      });
    }
    return outputs;
  }

  private modification(type: string, body: AstBody, parent: Scope | null): void {
    this.withClause(body, parent);
    const relation = structOf(body.relation, 'RangeVar');
    if (!relation) return;
    const schema = stringOf(relation, 'schemaname');
    const relname = stringOf(relation, 'relname') ?? '?';
    if (type === 'InsertStmt') {
      this.collector.written.push(resolveTable(this.collector.tables, schema, relname));
      if (body.selectStmt !== undefined) this.query(body.selectStmt, parent);
      return;
    }
    const target = this.collector.occurrence(schema, relname);
    this.collector.written.push(target.ref);
    const alias = stringOf(structOf(relation.alias, 'Alias'), 'aliasname');
    const joinQuals: unknown[] = [];
    const scope = this.buildScope(listOf(body, type === 'UpdateStmt' ? 'fromClause' : 'usingClause'), parent, joinQuals);
    scope.entries.unshift({ kind: 'table', name: alias ?? relname, schema: alias ? null : schema, occurrence: target });
    if (type === 'UpdateStmt') visitSubqueries(body.targetList, scope, this.subquery);
    const condition = {
      BoolExpr: { boolop: 'AND_EXPR', args: [...joinQuals, ...(body.whereClause === undefined ? [] : [body.whereClause])] },
    };
    this.collector.contribute(conditionDnf(condition, scope, this.subquery));
  }
}

function countCteReferences(value: unknown, counts: Map<string, number>): void {
  if (Array.isArray(value)) {
    for (const item of value) countCteReferences(item, counts);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const rangeVar = bodyOf(value, 'RangeVar');
  if (rangeVar && stringOf(rangeVar, 'schemaname') === null) {
    const name = stringOf(rangeVar, 'relname') ?? '';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  for (const field of Object.values(value)) countCteReferences(field, counts);
}

function commandOf(type: string | undefined): QueryCommand {
  switch (type) {
    case 'SelectStmt':
      return 'select';
    case 'InsertStmt':
      return 'insert';
    case 'UpdateStmt':
      return 'update';
    case 'DeleteStmt':
      return 'delete';
    default:
      return 'other';
  }
}

function uniqueRefs(refs: readonly QueryTableRef[]): QueryTableRef[] {
  const out: QueryTableRef[] = [];
  for (const r of refs) if (!out.some((o) => o.schema === r.schema && o.table === r.table)) out.push(r);
  return out;
}

function product(contributions: readonly ColumnUse[][][]): ColumnUse[][] {
  let groups: ColumnUse[][] = [[]];
  for (const alternatives of contributions) {
    if (groups.length * alternatives.length > MAX_GROUPS) continue;
    groups = groups.flatMap((g) => alternatives.map((a) => [...g, ...a]));
  }
  return groups;
}

/** Analyzes one parsed statement (a node of libpg-query's parse result). */
export function analyzeStatement(node: unknown, tables: ModelTables): StatementAnalysis {
  const parsed = nodeOf(node);
  const command = commandOf(parsed?.[0]);
  const collector = new StatementCollector(tables);
  if (command === 'other' || !parsed) return { command, tables: [], tablesWritten: [], groups: [], columnUses: [], limit: null };
  countCteReferences(node, collector.cteReferences);
  new StatementAnalyzer(collector).query(node, null);

  const groups: ColumnUseGroup[] = [];
  for (const occurrence of collector.occurrences) {
    const ordering = collector.orderings.get(occurrence.id);
    const alternatives = product(collector.contributions.get(occurrence.id) ?? []);
    for (const alternative of alternatives) {
      const conditions = dedupe(alternative);
      const group: ColumnUseGroup = {
        table: occurrence.ref,
        conditions,
        orderBy: ordering?.orderBy ?? [],
        groupBy: ordering?.groupBy ?? [],
        limit: ordering?.limit ?? null,
      };
      if (conditions.length === 0 && group.orderBy.length === 0 && group.groupBy.length === 0) continue;
      if (
        !groups.some(
          (g) =>
            g.table === group.table &&
            g.conditions.length === conditions.length &&
            g.conditions.every((c, i) => conditions[i] && sameUse(c, conditions[i])) &&
            g.orderBy === group.orderBy,
        )
      )
        groups.push(group);
    }
  }
  const columnUses = dedupe(groups.flatMap((g) => [...g.conditions, ...g.orderBy, ...g.groupBy]));
  const top = parsed[0] === 'SelectStmt' ? limitOf(parsed[1]) : null;
  return {
    command,
    tables: uniqueRefs([...collector.occurrences.map((o) => o.ref), ...collector.written]),
    tablesWritten: uniqueRefs(collector.written),
    groups,
    columnUses,
    limit: top,
  };
}
