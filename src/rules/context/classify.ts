/**
 * Table classification (the seed's "Proper Index Strategy by Table Type"): every table is a
 * `transaction`, `log`, `junction` or `unknown` table, decided from the statistics first, from
 * its structure for junctions (a structural fact), and from its name and time columns only
 * when the statistics are too young. A configuration can force a type.
 */
import type { ModelLookup } from '../../model/lookup.js';
import { qualifiedKey } from '../../model/lookup.js';
import type { SchemaModel, Table, TableUsage } from '../../model/types.js';
import { DEFAULT_RULE_OPTIONS, type RuleOptions } from '../types.js';
import { statisticsTrust, type StatisticsTrust } from './trust.js';
import { junctionShape, logNameHint, timeColumnOf } from './classify-shape.js';
import { classifyByUsage, sumUsage } from './classify-usage.js';
import type { Confidence, TableClassification, TableType, TableTypes } from './classify-types.js';

export type * from './classify-types.js';
/** A type forced by configuration for `schema.table` (schema null: that table name in any schema). */
export interface TableTypeOverride {
  readonly schema: string | null;
  readonly table: string;
  readonly type: TableType;
}

/** Looks classifications up by table. */
function tableTypesOf(all: readonly TableClassification[]): TableTypes {
  const byKey = new Map(all.map((c) => [qualifiedKey({ schema: c.schema, name: c.table }), c]));
  return { all, of: (schema, table) => byKey.get(qualifiedKey({ schema, name: table })) };
}

const CONFIDENCE_ORDER: readonly Confidence[] = ['low', 'medium', 'high'];

function atMost(confidence: Confidence, cap: Confidence): Confidence {
  return CONFIDENCE_ORDER.indexOf(confidence) <= CONFIDENCE_ORDER.indexOf(cap) ? confidence : cap;
}

/** Leaf partitions of a partitioned table, at any depth. */
function leavesOf(table: Table, model: SchemaModel): Table[] {
  const children = model.tables.filter((t) => t.parent?.schema === table.schema && t.parent.name === table.name);
  return children.flatMap((c) => (c.kind === 'partitioned' ? leavesOf(c, model) : [c]));
}

/** A table's usage; a partitioned table's is the sum of its partitions'. */
function usageOf(table: Table, model: SchemaModel): TableUsage | null {
  if (table.kind !== 'partitioned') return table.usage;
  const leaves = leavesOf(table, model);
  if (leaves.some((l) => l.usage === null)) return null;
  return sumUsage(leaves.map((l) => l.usage!));
}

function overrideFor(table: Table, overrides: readonly TableTypeOverride[]): TableTypeOverride | undefined {
  return (
    overrides.find((o) => o.table === table.name && o.schema === table.schema) ??
    overrides.find((o) => o.table === table.name && o.schema === null)
  );
}

type Verdict = Omit<TableClassification, 'schema' | 'table'>;

/** Classifies one table that is not a partition (partitions take their parent's type). */
function classifyOne(
  table: Table,
  model: SchemaModel,
  lookup: ModelLookup,
  options: RuleOptions,
  totalInserts: number,
  statsTrusted: boolean,
): Verdict {
  const since = model.database.statsResetAt === null ? 'the statistics began' : `the reset at ${model.database.statsResetAt}`;
  const junction = junctionShape(table, lookup);
  if (junction) return { type: 'junction', confidence: junction.confidence, source: 'shape', evidence: junction.evidence };
  if (table.kind === 'materialized-view') {
    return {
      type: 'transaction',
      confidence: 'medium',
      source: 'shape',
      evidence: ['materialized view: written only by REFRESH, read like a table'],
    };
  }

  const nameHint = logNameHint(table);
  const timeColumn = timeColumnOf(table);
  const timeHint = timeColumn ? `column ${timeColumn.name} (${timeColumn.type}) stamps each row's time` : null;
  const trackCountsOff = model.database.settings.track_counts === 'off';
  const usage = trackCountsOff || !model.capabilities.usageStatistics ? null : usageOf(table, model);
  let tooYoung: string;
  if (usage === null) {
    tooYoung = trackCountsOff
      ? 'track_counts is off: no usage statistics'
      : model.capabilities.serverSettings === false
        ? 'a schema file has no usage statistics'
        : 'usage statistics could not be read';
  } else {
    const verdict = classifyByUsage(table, usage, totalInserts, since, options);
    if (verdict.type !== null) {
      const cap: Confidence = statsTrusted ? 'high' : 'medium';
      const hints = [nameHint, timeHint].filter((h): h is string => h !== null);
      if (verdict.type === 'log') {
        // A log without a time column to read it by is unusual: less sure.
        const confidence = atMost(timeColumn ? verdict.confidence : 'medium', cap);
        return { type: 'log', confidence, source: 'statistics', evidence: [...verdict.evidence, ...hints] };
      }
      if (verdict.appendOnlyButSmall && nameHint !== null) {
        // Appended to, rarely read, named like a log: a small log, not a transaction table.
        return {
          type: 'log',
          confidence: atMost('medium', cap),
          source: 'statistics',
          evidence: [...verdict.evidence, ...hints, 'append-only pattern and name agree: a log with a small volume so far'],
        };
      }
      return { type: 'transaction', confidence: atMost(verdict.confidence, cap), source: 'statistics', evidence: verdict.evidence };
    }
    tooYoung = verdict.reason;
  }
  if (nameHint !== null) {
    return { type: 'log', confidence: 'low', source: 'shape', evidence: [tooYoung, nameHint, ...(timeHint ? [timeHint] : [])] };
  }
  return {
    type: 'unknown',
    confidence: 'low',
    source: 'statistics',
    evidence: [tooYoung, ...(timeHint ? [`${timeHint}, but nothing else says log`] : [])],
  };
}

/**
 * Classifies every table of the model. `options` supplies the thresholds (RuleOptions);
 * `overrides` (from the configuration) force a type, keeping what the statistics say as evidence.
 */
export function classifyTables(
  model: SchemaModel,
  lookup: ModelLookup,
  options: RuleOptions = DEFAULT_RULE_OPTIONS,
  overrides: readonly TableTypeOverride[] = [],
  trust: StatisticsTrust = statisticsTrust(model, options),
): TableTypes {
  const totalInserts = model.tables.filter((t) => t.kind !== 'partitioned').reduce((n, t) => n + (t.usage?.inserts ?? 0), 0);
  const verdicts = new Map<string, Verdict>();
  const classify = (table: Table): Verdict => {
    const key = qualifiedKey(table);
    const known = verdicts.get(key);
    if (known) return known;
    let verdict: Verdict;
    const parent = table.kind === 'partition' && table.parent ? lookup.table(table.parent.schema, table.parent.name) : undefined;
    if (parent) {
      const p = classify(parent);
      verdict = { ...p, evidence: [`partition of ${parent.schema}.${parent.name}, typed as its parent`, ...p.evidence] };
    } else {
      verdict = classifyOne(table, model, lookup, options, totalInserts, trust.trustworthy);
    }
    const forced = overrideFor(table, overrides);
    if (forced) {
      verdict = {
        type: forced.type,
        confidence: 'high',
        source: 'config',
        evidence: [
          `set to ${forced.type} in the dbdoctor configuration`,
          `by itself dbdoctor would say ${verdict.type} (${verdict.confidence} confidence)`,
          ...verdict.evidence,
        ],
      };
    }
    verdicts.set(key, verdict);
    return verdict;
  };
  return tableTypesOf(model.tables.map((t) => ({ schema: t.schema, table: t.name, ...classify(t) })));
}
