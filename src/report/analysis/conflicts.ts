/**
 * Rules judge one index at a time, so their fixes can clash: one rule drops `(user_id)` because a
 * composite covers it, another drops the composite because no query needs it, and together they
 * leave a foreign key without an index. The recommended set resolves such clashes the way a DBA
 * would: keep the index a foreign key still needs, and do not create an index another created
 * index already starts with.
 */
import type { ForeignKey } from '../../model/types.js';

/** Just enough of an index for the checks: its name, leading columns and whether queries can use it. */
export interface KeyedIndex {
  readonly name: string;
  /** Key columns in order; null for an expression key. */
  readonly keyColumns: readonly (string | null)[];
  readonly usable: boolean;
}

/** True when the index's first keys are exactly the foreign key's columns, in any order. */
export function supportsForeignKey(index: KeyedIndex, fk: ForeignKey): boolean {
  if (!index.usable) return false;
  const columns = fk.columns.map((c) => c.column);
  const leading = index.keyColumns.slice(0, columns.length);
  return leading.length === columns.length && columns.every((c) => leading.includes(c));
}

/**
 * Dropped indexes to keep after all, each with the reason: for every foreign key that some current
 * index supported and no index of the recommended set supports, the dropped index that supports it
 * that a finding named as the one to keep (`coveredBy`), else with the most scans, then the fewest keys.
 */
export function indexesForeignKeysNeed(
  foreignKeys: readonly ForeignKey[],
  current: readonly (KeyedIndex & { readonly scans: number | null })[],
  dropped: ReadonlySet<string>,
  created: readonly KeyedIndex[],
  survivors: ReadonlySet<string> = new Set(),
): Map<string, string> {
  const keep = new Map<string, string>();
  for (const fk of foreignKeys) {
    const supporters = current.filter((i) => supportsForeignKey(i, fk));
    if (supporters.length === 0) continue;
    const stillSupported =
      supporters.some((i) => !dropped.has(i.name) || keep.has(i.name)) || created.some((i) => supportsForeignKey(i, fk));
    if (stillSupported) continue;
    // The index a duplicate or redundant finding named as the one to keep comes first: those rules assumed it stays.
    const named = (i: KeyedIndex): number => (survivors.has(i.name) ? 1 : 0);
    const best = [...supporters].sort(
      (a, b) =>
        named(b) - named(a) || (b.scans ?? 0) - (a.scans ?? 0) || a.keyColumns.length - b.keyColumns.length || a.name.localeCompare(b.name),
    )[0]!;
    keep.set(best.name, `foreign key ${fk.name} needs it once the others are dropped`);
  }
  return keep;
}

/** Key columns of a CREATE INDEX key list (`a, "B" DESC, lower(c)`): names, null for expressions. */
export function keyColumnsOf(keys: string): (string | null)[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const ch of keys) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '(') depth += 1;
    if (!quoted && ch === ')') depth -= 1;
    if (!quoted && depth === 0 && ch === ',') {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts.map((part) => {
    const match = /^("(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\s+(?:ASC|DESC|NULLS\s+(?:FIRST|LAST)|COLLATE\s+\S+|[\w.]+_ops))*\s*$/i.exec(part);
    if (!match) return null;
    const name = match[1]!;
    return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
  });
}

/** For each created index whose keys are a left prefix of another created (or kept) index's keys: that index's name. */
export function supersededCreates(
  created: readonly (KeyedIndex & { readonly plain: boolean })[],
  others: readonly KeyedIndex[],
): Map<string, string> {
  const superseded = new Map<string, string>();
  for (const c of created) {
    if (!c.plain || c.keyColumns.some((k) => k === null)) continue;
    const wider = [...created.filter((o) => o.name !== c.name && !superseded.has(o.name)), ...others].find(
      (o) => o.usable && o.keyColumns.length > c.keyColumns.length && c.keyColumns.every((k, i) => o.keyColumns[i] === k),
    );
    if (wider) superseded.set(c.name, wider.name);
  }
  return superseded;
}
