/** Evidence a DBA wants next to an index finding, in one shape for every rule. */
import type { Index, Table, TableUsage } from '../model/types.js';
import type { EvidenceValue, RuleOptions, Severity } from './types.js';
import { scansOf } from './_statistics.js';

/** Definition, size and usage of one index. */
export function indexEvidence(index: Index): { [key: string]: EvidenceValue } {
  return {
    name: index.name,
    definition: index.definition,
    constraint: index.constraint ? `${index.constraint.name}: ${index.constraint.definition}` : null,
    sizeBytes: index.sizeBytes,
    // On every node read (the primary and each --replica), like every rule's verdict.
    scans: scansOf(index),
    tuplesRead: index.usage?.tuplesRead ?? null,
    lastScanAt: index.usage?.lastScanAt ?? null,
  };
}

/** Writes since the statistics were reset: every one of them also writes each index. */
export function writesOf(usage: TableUsage | null): number | null {
  return usage === null ? null : usage.inserts + usage.updates - usage.hotUpdates + usage.deletes;
}

/** Size, rows and activity of a table. */
export function tableEvidence(table: Table | undefined): { [key: string]: EvidenceValue } {
  if (!table) return {};
  const u = table.usage;
  return {
    kind: table.kind,
    rowEstimate: table.rowEstimate,
    sizeBytes: table.sizeBytes,
    inserts: u?.inserts ?? null,
    updates: u?.updates ?? null,
    deletes: u?.deletes ?? null,
    seqScans: u?.seqScans ?? null,
    indexScans: u?.indexScans ?? null,
  };
}

/** A table has real traffic: enough rows, or enough reads and writes since the statistics reset. */
export function hasRealTraffic(table: Table | undefined, options: RuleOptions): boolean {
  if (!table) return false;
  if ((table.rowEstimate ?? 0) >= options.trafficRowThreshold) return true;
  const u = table.usage;
  if (!u) return false;
  return u.inserts + u.updates + u.deletes + u.seqScans + u.indexScans >= options.trafficActivityThreshold;
}

/** `medium` for a table with real traffic, `low` otherwise. */
export function trafficSeverity(tables: readonly (Table | undefined)[], options: RuleOptions): Severity {
  return tables.some((t) => hasRealTraffic(t, options)) ? 'medium' : 'low';
}

/** Key columns and expressions as a person reads them. */
export function keyList(index: Index): string[] {
  return index.keys.map((k) => k.column ?? k.expression);
}
