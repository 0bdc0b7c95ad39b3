import type { AuditResult } from '../audit/types.js';
import { emitterFor } from '../dialects/emitters.js';
import type { FixAction } from '../model/actions.js';
import type { Dialect } from '../model/types.js';
import type { EvidenceValue, Finding, Fix } from '../rules/types.js';
import { keyLabels } from '../semantics/keys.js';
import type { Reporter } from './types.js';

/**
 * An action as the JSON report shows it: what it does and to which object, with the definition
 * of the index it creates or drops (the full index of a drop stays in the model, not the report).
 */
function actionJson(action: FixAction, dialect: Dialect): { [key: string]: EvidenceValue } {
  const base = { kind: action.kind, schema: action.index.schema, table: action.index.table, index: action.index.name };
  switch (action.kind) {
    case 'create-index': {
      const spec = action.index;
      return {
        ...base,
        definition: emitterFor(dialect)?.describeCreate(spec) ?? null,
        method: spec.method,
        unique: spec.unique,
        keys: keyLabels(spec),
        include: [...spec.include],
        predicate: spec.predicate,
        partitions: action.partitions.map((p) => p.index.name),
      };
    }
    case 'drop-constraint':
      return { ...base, constraint: action.index.constraint?.name ?? null, definition: action.index.definition };
    default:
      return { ...base, definition: action.index.definition };
  }
}

/** A fix with its fields in contract order. */
function fixJson(fix: Fix, dialect: Dialect): { [key: string]: unknown } {
  const { up, down, actions, transactional, notes, ...rest } = fix;
  return { up, down, actions: actions.map((a) => actionJson(a, dialect)), transactional, notes, ...rest };
}

/**
 * A finding with its fields in contract order. Fields a newer rule adds are kept after the
 * known ones: the contract is "add, never rename", so consumers may already rely on them. The
 * actions a rule proposed are in `fix.actions`.
 */
/** The fields every consumer knows, in the order they are printed; `fix` follows them. */
const CONTRACT_ORDER = [
  'rule',
  'severity',
  'schema',
  'table',
  'index',
  'constraint',
  'columns',
  'coveredBy',
  'message',
  'help',
  'evidence',
] as const;

function findingJson(finding: Finding, dialect: Dialect): { [key: string]: unknown } {
  // The proposed actions are in fix.actions; fixNotes are already in fix.notes.
  const { fix, actions: _actions, fixNotes: _fixNotes, ...rest } = finding;
  const known: { [key: string]: unknown } = {};
  for (const key of CONTRACT_ORDER) known[key] = finding[key];
  return { ...known, fix: fix === undefined ? undefined : fixJson(fix, dialect), ...rest };
}

/**
 * The machine-readable report: exactly `{ version, target, summary, findings }`, never the
 * model (it is large, and its shape is internal). Undefined fields are left out.
 */
export const jsonReporter: Reporter = {
  name: 'json',
  fileExtension: 'json',
  render(result: AuditResult): string {
    const dialect = result.model.dialect;
    const report = {
      version: result.version,
      target: result.target,
      summary: result.summary,
      findings: result.findings.map((f) => findingJson(f, dialect)),
      tables: result.tables,
      suppressed: (result.suppressed ?? []).map((s) => ({ finding: findingJson(s.finding, dialect), reason: s.reason })),
    };
    // JSON.stringify drops undefined properties, which is what "omit undefined fields" means.
    return `${JSON.stringify(report, null, 2)}\n`;
  },
};
