/**
 * A finding's fingerprint: its rule and the identity of what it is about, hashed, so that the
 * same problem keeps the same fingerprint across runs and across unrelated changes of the schema
 * (never derived from message text, sizes or counts, which change every run). An index is
 * identified by its table and name; a proposed index (missing-index), whose name dbdoctor picks,
 * by its table and keys; a foreign key by its table and name; a table-wide finding by its table;
 * a database-wide one by its subject.
 */
import { createHash } from 'node:crypto';
import type { SchemaModel } from '../model/types.js';
import type { Finding } from '../rules/types.js';

/** The parts of a finding that identify what it is about. */
function identityOf(finding: Finding, existingIndexes: ReadonlySet<string>): readonly string[] {
  const where = [finding.rule, finding.schema, finding.table];
  if (finding.index !== undefined && existingIndexes.has(`${finding.schema}\u0000${finding.table}\u0000${finding.index}`)) {
    return [...where, 'index', finding.index];
  }
  if (finding.constraint !== undefined) return [...where, 'constraint', finding.constraint];
  if (finding.subject !== undefined) return [...where, 'subject', finding.subject];
  if (finding.index !== undefined) return [...where, 'keys', ...(finding.columns ?? [finding.index])];
  return [...where, 'table'];
}

/** A stable fingerprint: the first 32 hex digits of the SHA-256 of the identity. */
function fingerprintOf(identity: readonly string[]): string {
  return createHash('sha256').update(identity.join('\u0000')).digest('hex').slice(0, 32);
}

/** Every finding with its fingerprint. */
export function withFingerprints(findings: readonly Finding[], model: SchemaModel): Finding[] {
  const existing = new Set(model.indexes.map((i) => `${i.schema}\u0000${i.table}\u0000${i.name}`));
  return findings.map((f) => ({ ...f, fingerprint: fingerprintOf(identityOf(f, existing)) }));
}
