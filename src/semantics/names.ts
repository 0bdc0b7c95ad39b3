import type { SchemaModel } from '../model/types.js';
import { truncateIdentifier } from '../sql/quote.js';

/**
 * Relation names in use, per schema: tables, indexes and every other relation the model knows
 * of (sequences, views, composite types, extension-owned tables…). An index shares its schema's
 * namespace with all of them, and `CREATE INDEX … IF NOT EXISTS` with a taken name silently does
 * nothing, so a new index must avoid every one.
 */
export function takenRelationNames(model: SchemaModel): Map<string, Set<string>> {
  const taken = new Map<string, Set<string>>();
  const add = (schema: string, name: string): void => {
    let names = taken.get(schema);
    if (!names) taken.set(schema, (names = new Set()));
    names.add(name);
  };
  for (const t of model.tables) add(t.schema, t.name);
  for (const i of model.indexes) add(i.schema, i.name);
  for (const r of model.otherRelations ?? []) add(r.schema, r.name);
  return taken;
}

/** `base` cut to `maxBytes`, with a number appended (still within the limit) until no name in `taken` is the same. */
export function freeRelationName(base: string, taken: ReadonlySet<string>, maxBytes = 63): string {
  const cut = truncateIdentifier(base, maxBytes);
  let name = cut;
  for (let n = 1; taken.has(name); n++) name = truncateIdentifier(cut, maxBytes - String(n).length) + n;
  return name;
}

/**
 * Names for new indexes, one allocator per audit shared by every rule and the planner: each name
 * is free in its schema (no relation has it, no earlier proposal took it) and fits the dialect's
 * identifier limit (PostgreSQL 63 bytes, MySQL 64).
 */
export class NameAllocator {
  readonly #taken: Map<string, Set<string>>;
  readonly #maxBytes: number;

  constructor(model: SchemaModel) {
    this.#taken = takenRelationNames(model);
    this.#maxBytes = model.capabilities.identifierMaxBytes ?? 63;
  }

  /** A free name for `base` in `schema`, taken from now on. */
  allocate(schema: string, base: string): string {
    let names = this.#taken.get(schema);
    if (!names) this.#taken.set(schema, (names = new Set()));
    const name = freeRelationName(base, names, this.#maxBytes);
    names.add(name);
    return name;
  }

  /** The name `<table>_<parts>_idx` for a new index, free in its schema. */
  indexName(schema: string, table: string, parts: readonly string[]): string {
    return this.allocate(schema, `${table}_${parts.join('_')}_idx`);
  }

  /** Whether a name is taken in a schema (by a relation or an earlier proposal). */
  isTaken(schema: string, name: string): boolean {
    return this.#taken.get(schema)?.has(name) ?? false;
  }
}
