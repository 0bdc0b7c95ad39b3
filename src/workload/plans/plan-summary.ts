/** Reads EXPLAIN (FORMAT JSON) output into a {@link PlanSummary}. */
import type { PlanIndexScan, PlanSeqScan, PlanSort, PlanSummary } from './types.js';

/** One node of EXPLAIN's JSON, as far as it is read here. */
interface PlanNode {
  readonly 'Node Type'?: string;
  readonly 'Relation Name'?: string;
  readonly Schema?: string;
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly 'Recheck Cond'?: string;
  readonly Filter?: string;
  readonly 'Plan Rows'?: number;
  readonly 'Total Cost'?: number;
  readonly 'Startup Cost'?: number;
  readonly 'Sort Key'?: readonly string[];
  readonly Plans?: readonly PlanNode[];
}

function isNode(value: unknown): value is PlanNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The root plan node of EXPLAIN (FORMAT JSON)'s result value, whichever way the driver decoded it. */
export function rootPlanNode(explainValue: unknown): PlanNode {
  let value = explainValue;
  if (typeof value === 'string') value = JSON.parse(value) as unknown;
  if (Array.isArray(value)) value = value[0];
  if (isNode(value) && 'Plan' in value) {
    const plan = (value as { Plan: unknown }).Plan;
    if (isNode(plan)) return plan;
  }
  throw new Error('EXPLAIN returned no plan');
}

const INDEX_NODES = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Index Scan']);

/** Walks a plan tree and collects scans, sorts and indexes. */
export function summarizePlan(root: PlanNode): PlanSummary {
  const indexesUsed = new Set<string>();
  const seqScans: PlanSeqScan[] = [];
  const indexScans: PlanIndexScan[] = [];
  const sorts: PlanSort[] = [];
  const visit = (node: PlanNode): void => {
    const type = node['Node Type'] ?? '';
    const rows = node['Plan Rows'] ?? 0;
    const totalCost = node['Total Cost'] ?? 0;
    if (node['Index Name'] !== undefined && INDEX_NODES.has(type)) indexesUsed.add(node['Index Name']);
    if (type === 'Seq Scan' && node['Relation Name'] !== undefined) {
      seqScans.push({ schema: node.Schema ?? null, table: node['Relation Name'], rows, filter: node.Filter ?? null, totalCost });
    } else if (
      (type === 'Index Scan' || type === 'Index Only Scan') &&
      node['Relation Name'] !== undefined &&
      node['Index Name'] !== undefined
    ) {
      indexScans.push({
        schema: node.Schema ?? null,
        table: node['Relation Name'],
        index: node['Index Name'],
        indexCondition: node['Index Cond'] ?? null,
        filter: node.Filter ?? null,
        rows,
        totalCost,
      });
    } else if (type === 'Sort' || type === 'Incremental Sort') {
      sorts.push({ keys: node['Sort Key'] ?? [], rows, totalCost });
    }
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(root);
  return {
    totalCost: root['Total Cost'] ?? 0,
    startupCost: root['Startup Cost'] ?? 0,
    rows: root['Plan Rows'] ?? 0,
    indexesUsed: [...indexesUsed],
    seqScans,
    indexScans,
    sorts,
  };
}
