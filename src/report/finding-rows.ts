/**
 * One row of the seed-style findings table (index, table, columns, covered by, size, scans,
 * writes) for any finding: a finding about one index shows that index; a table-level finding
 * whose fix drops several (over-indexed-table) shows those, with their sizes and scans summed.
 */
import type { AuditResult } from '../audit/types.js';
import type { Finding } from '../rules/types.js';
import { droppedIndexNames } from './analysis/strategy.js';
import { factReader, writesReader } from './format.js';

/** What a findings-table row shows. */
export interface FindingRow {
  /** Indexes the finding is about (one, several a fix drops, or none). */
  readonly indexes: readonly string[];
  /** The constraint, when the finding is about one and names no index (a foreign key). */
  readonly constraint: string | null;
  readonly sizeBytes: number | null;
  readonly scans: number | null;
  readonly writes: number | null;
}

/** Reads rows for the findings of one audit. */
export function findingRows(result: AuditResult): { row(f: Finding): FindingRow; tabular(findings: readonly Finding[]): boolean } {
  const facts = factReader(result.model);
  const writes = writesReader(result.model);
  const indexes = new Map(result.model.indexes.map((i) => [`${i.schema}\u0000${i.name}`, i]));
  const row = (f: Finding): FindingRow => {
    const known = facts(f);
    const names = f.index !== undefined ? [f.index] : droppedIndexNames(f);
    let sizeBytes = known.sizeBytes;
    let scans = known.scans;
    if (f.index === undefined && names.length > 0) {
      const found = names.map((n) => indexes.get(`${f.schema}\u0000${n}`));
      if (found.every((i) => i?.sizeBytes !== null && i?.sizeBytes !== undefined))
        sizeBytes = found.reduce((sum, i) => sum + (i!.sizeBytes ?? 0), 0);
      if (found.every((i) => i?.usage)) scans = found.reduce((sum, i) => sum + (i!.usage?.scans ?? 0), 0);
    }
    return { indexes: names, constraint: f.constraint ?? null, sizeBytes, scans, writes: known.writes ?? writes(f) };
  };
  // Database-wide findings (monitoring, settings) have nothing to put in the table's columns.
  const tabular = (findings: readonly Finding[]): boolean =>
    findings.some(
      (f) =>
        f.index !== undefined ||
        f.constraint !== undefined ||
        (f.columns?.length ?? 0) > 0 ||
        droppedIndexNames(f).length > 0 ||
        f.schema !== '',
    );
  return { row, tabular };
}
