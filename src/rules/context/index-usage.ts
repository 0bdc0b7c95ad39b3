/**
 * Index usage as one fact per audit: the scans of an index summed over every node read (the
 * primary and each `--replica`), and for a partitioned index over the indexes of its partitions.
 * Every rule and the fix planner ask here, so that an index scanned on any node is never
 * called unused by one of them and dropped by another.
 */
import type { Index, SchemaModel } from '../../model/types.js';

/** Scans of one index on one node; `node` null when only the primary was read. */
interface NodeScans {
  readonly node: string | null;
  readonly scans: number;
}

/** Index usage over every node. */
export interface IndexUsageFacts {
  /** Scans on each node (a partitioned index: summed over its partitions); null when any node could not tell. */
  byNode(index: Index): readonly NodeScans[] | null;
  /** Scans summed over every node; null when any node could not tell (never read an unknown as zero). */
  scans(index: Index): number | null;
}

function leafScans(index: Index): { node: string | null; scans: number | null }[] {
  if (index.usageByNode) return index.usageByNode.map((u) => ({ node: u.node, scans: u.scans }));
  return [{ node: null, scans: index.usage?.scans ?? null }];
}

/** Builds the usage facts of a model (children of partitioned indexes looked up once). */
export function indexUsageFacts(model: SchemaModel): IndexUsageFacts {
  const children = new Map<string, Index[]>();
  for (const i of model.indexes) {
    if (i.parentIndex === null) continue;
    const key = `${i.parentIndex.schema}\u0000${i.parentIndex.name}`;
    const list = children.get(key);
    if (list) list.push(i);
    else children.set(key, [i]);
  }
  const leaves = (index: Index): Index[] =>
    (children.get(`${index.schema}\u0000${index.name}`) ?? []).flatMap((c) => (c.partitioned ? leaves(c) : [c]));
  const byNode = (index: Index): NodeScans[] | null => {
    // The common case, a plain index read on the primary only, without the bookkeeping.
    if (!index.partitioned && !index.usageByNode) return index.usage === null ? null : [{ node: null, scans: index.usage.scans }];
    const parts = index.partitioned ? leaves(index) : [index];
    if (parts.length === 0) return null;
    const totals = new Map<string | null, number>();
    for (const part of parts) {
      for (const { node, scans } of leafScans(part)) {
        if (scans === null) return null;
        totals.set(node, (totals.get(node) ?? 0) + scans);
      }
    }
    return [...totals].map(([node, scans]) => ({ node, scans }));
  };
  return {
    byNode,
    scans(index) {
      const nodes = byNode(index);
      return nodes === null ? null : nodes.reduce((n, x) => n + x.scans, 0);
    },
  };
}
