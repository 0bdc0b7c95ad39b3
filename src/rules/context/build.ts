/**
 * The rule context of one audit: the model, its lookups, and every fact more than one rule needs
 * (statistics trust, table types, index usage over all nodes, the workload per table, which
 * indexes are duplicates, redundant or unjustified composites, the name allocator), each worked
 * out once here. Rules read these facts and never compute or cache them themselves.
 */
import { buildLookup } from '../../model/lookup.js';
import type { Index, QualifiedName, SchemaModel } from '../../model/types.js';
import type { QueryPattern, Workload } from '../../model/workload.js';
import { NameAllocator } from '../../semantics/names.js';
import { sameTable } from '../../sql/resolve.js';
import type { PlanEvidence } from '../../workload/plans/types.js';
import { computeDuplicatePairs } from '../_duplicates.js';
import { computeRedundantIndexes } from '../_redundant.js';
import { computeUnjustifiedComposites } from '../_workload-evidence.js';
import { DEFAULT_RULE_OPTIONS, type AuditFacts, type RuleContext, type RuleOptions } from '../types.js';
import { classifyTables, type TableTypeOverride } from './classify.js';
import { indexUsageFacts } from './index-usage.js';
import { statisticsNodesOf, statisticsTrust } from './trust.js';

/** What an audit knows before its rules run. */
export interface RuleContextInput {
  readonly model: SchemaModel;
  readonly options?: Partial<RuleOptions>;
  readonly tableTypes?: readonly TableTypeOverride[];
  readonly workload?: Workload | null;
  readonly plans?: PlanEvidence | null;
  /** How the primary is named in per-node evidence (the target's display name). */
  readonly primaryName?: string;
}

const NO_QUERIES: readonly QueryPattern[] = [];

/** The queries of a workload by the table names they mention, so rules look at a table's queries only. */
function queriesByTableName(workload: Workload | null): Map<string, QueryPattern[]> {
  const byName = new Map<string, QueryPattern[]>();
  for (const query of workload?.queries ?? []) {
    const names = new Set<string>();
    for (const t of query.tables) names.add(t.table);
    for (const g of query.groups) names.add(g.table.table);
    for (const name of names) {
      const list = byName.get(name);
      if (list) list.push(query);
      else byName.set(name, [query]);
    }
  }
  return byName;
}

/** True when the database's default collation sorts bytewise, so any text key serves LIKE 'abc%'. */
function defaultCollationIsC(model: SchemaModel): boolean {
  const collation = model.database.settings.lc_collate ?? model.database.defaultCollation ?? null;
  return collation === 'C' || collation === 'POSIX';
}

/** Builds the context every rule of one audit receives. */
export function buildRuleContext(input: RuleContextInput): RuleContext {
  const { model } = input;
  const lookup = buildLookup(model);
  const options: RuleOptions = { ...DEFAULT_RULE_OPTIONS, ...input.options };
  const workload = input.workload ?? null;
  const plans = input.plans ?? null;
  const nodes = statisticsNodesOf(model, input.primaryName);
  const trust = statisticsTrust(model, options, nodes);
  const tableTypes = classifyTables(model, lookup, options, input.tableTypes ?? [], trust);
  const byName = queriesByTableName(workload);
  const queriesOn = (table: QualifiedName): readonly QueryPattern[] =>
    (byName.get(table.name) ?? NO_QUERIES).filter(
      (q) => q.tables.some((t) => sameTable(t, table)) || q.groups.some((g) => sameTable(g.table, table)),
    );
  const matchOptions = { defaultCollationIsC: defaultCollationIsC(model) };
  const duplicates = computeDuplicatePairs(model);
  const unjustified = computeUnjustifiedComposites(model, workload, queriesOn, matchOptions);
  const redundant = computeRedundantIndexes(model, duplicates, unjustified);
  const droppedAsUnjustified: ReadonlySet<Index> = new Set(unjustified.filter((u) => u.prefixServedBy !== null).map((u) => u.index));
  const facts: AuditFacts = {
    trust,
    nodes,
    usage: indexUsageFacts(model),
    queriesOn,
    matchOptions,
    duplicates,
    redundant,
    unjustified,
    droppedAsUnjustified,
    names: new NameAllocator(model),
  };
  return { model, lookup, options, tableTypes, workload, plans, facts };
}
