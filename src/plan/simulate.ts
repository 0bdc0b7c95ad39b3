/**
 * The schema as it would be after a plan: the model's indexes minus those dropped, plus those
 * created. The planner asks it, step by step, whether a foreign key still has an index and
 * whether a dropped index is still covered by one that stays.
 */
import type { IndexSpec } from '../model/actions.js';
import type { ForeignKey, Index, SchemaModel } from '../model/types.js';
import { covers, tableKey } from '../semantics/coverage.js';
import { servesForeignKey } from '../semantics/foreign-keys.js';

/** A new index as the model would show it once built: valid, unused, no constraint. */
export function indexFromSpec(spec: IndexSpec, options: { readonly partitioned: boolean; readonly parent: Index | null }): Index {
  return {
    schema: spec.schema,
    name: spec.name,
    table: spec.table,
    method: spec.method,
    keys: spec.keys,
    include: spec.include,
    predicate: spec.predicate,
    unique: spec.unique,
    primary: false,
    nullsNotDistinct: spec.nullsNotDistinct,
    constraint: null,
    valid: true,
    ready: true,
    partitioned: options.partitioned,
    parentIndex: options.parent === null ? null : { schema: options.parent.schema, name: options.parent.name },
    referencedByForeignKeys: [],
    replicaIdentity: false,
    sizeBytes: null,
    definition: '',
    tablespace: spec.tablespace,
    storageParameters: spec.storageParameters,
    comment: spec.comment,
    usage: null,
    creationOrder: null,
  };
}

/** The indexes of a schema while a plan is applied to it in thought. */
export class Simulation {
  readonly #byTable = new Map<string, Index[]>();
  readonly #foreignKeys = new Map<string, ForeignKey[]>();

  constructor(readonly model: SchemaModel) {
    for (const index of model.indexes) this.#push(index);
    for (const fk of model.foreignKeys) {
      const key = tableKey(fk.schema, fk.table);
      const list = this.#foreignKeys.get(key);
      if (list) list.push(fk);
      else this.#foreignKeys.set(key, [fk]);
    }
  }

  #push(index: Index): void {
    const key = tableKey(index.schema, index.table);
    const list = this.#byTable.get(key);
    if (list) list.push(index);
    else this.#byTable.set(key, [index]);
  }

  /** The indexes present on a table. */
  indexesOn(schema: string, table: string): readonly Index[] {
    return this.#byTable.get(tableKey(schema, table)) ?? [];
  }

  /** The present index of that name, or undefined. */
  find(schema: string, table: string, name: string): Index | undefined {
    return this.indexesOn(schema, table).find((i) => i.name === name);
  }

  /** The foreign keys whose referencing table is this one. */
  foreignKeysOf(schema: string, table: string): readonly ForeignKey[] {
    return this.#foreignKeys.get(tableKey(schema, table)) ?? [];
  }

  add(index: Index): void {
    this.#push(index);
  }

  remove(index: Index): void {
    const list = this.#byTable.get(tableKey(index.schema, index.table));
    const at = list?.indexOf(index) ?? -1;
    if (list && at >= 0) list.splice(at, 1);
  }

  /** Some present index (other than those in `without`) serves the foreign key's lookup. */
  servesForeignKey(fk: ForeignKey, without: ReadonlySet<Index> = new Set()): boolean {
    return this.indexesOn(fk.schema, fk.table).some((i) => !without.has(i) && servesForeignKey(i, fk, this.model.capabilities));
  }

  /** Some present index other than `index` (and those in `without`) covers it: serves its queries and enforces its constraints. */
  isCovered(index: Index, without: ReadonlySet<Index> = new Set()): boolean {
    return this.indexesOn(index.schema, index.table).some((i) => i !== index && !without.has(i) && covers(i, index));
  }
}
