/**
 * The last check of a plan: the structural rule that matters for safety, run on the schema as
 * the plan leaves it. A foreign key that had an index before and has none after means a drop must
 * go; the planner's step-by-step checks should never let that happen, and this makes sure.
 */
import type { ForeignKey, SchemaModel } from '../model/types.js';
import { buildRuleContext } from '../rules/context/build.js';
import { unindexedForeignKey } from '../rules/unindexed-foreign-key.js';
import type { Simulation } from './simulate.js';

function unindexedKeys(model: SchemaModel): Set<string> {
  const findings = unindexedForeignKey.check(buildRuleContext({ model }));
  return new Set(findings.map((f) => `${f.schema}\u0000${f.table}\u0000${f.constraint ?? ''}`));
}

/** Foreign keys that the unindexed-foreign-key rule reports on the simulated schema but not on the original. */
export function newlyUnindexedForeignKeys(model: SchemaModel, sim: Simulation): ForeignKey[] {
  const after: SchemaModel = {
    ...model,
    indexes: model.tables.flatMap((t) => sim.indexesOn(t.schema, t.name)),
  };
  const before = unindexedKeys(model);
  const now = unindexedKeys(after);
  return model.foreignKeys.filter((fk) => {
    const key = `${fk.schema}\u0000${fk.table}\u0000${fk.name}`;
    return now.has(key) && !before.has(key);
  });
}
