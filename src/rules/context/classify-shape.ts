/**
 * What a table's structure says about its type: foreign keys under a composite key (junction),
 * a log-like name and a creation-time column (log). Junction is a structural fact; the log hints
 * only decide when the statistics are too young to.
 */
import type { ModelLookup } from '../../model/lookup.js';
import type { Column, ForeignKey, Index, Table } from '../../model/types.js';
import type { Confidence } from './classify-types.js';

/** Names that say "append-only history": `email_logs`, `audit`, `user_events`, `price_history`. */
const LOG_NAME = /(^|_)(logs?|events?|history|histories|audit|audits|audit_trail|journal|changelog|activity_log)($|_)/i;

/** Columns that stamp when a row happened, the axis a log is read by. */
const TIME_COLUMN =
  /^(created|inserted|logged|occurred|recorded|sent|received|requested|emitted|happened|event)_?(at|on|time|ts|date|timestamp)$|^(timestamp|ts|event_time|log_time|logged|time)$/i;

/** A name that reads like a log table's, or null. */
export function logNameHint(table: Table): string | null {
  return LOG_NAME.test(table.name) ? `the name "${table.name}" reads like a log (_log, _events, _history, audit)` : null;
}

/** The column a log would be read by: a date/time column named like a creation or event time. */
export function timeColumnOf(table: Table): Column | null {
  return table.columns.find((c) => c.typeCategory === 'datetime' && TIME_COLUMN.test(c.name)) ?? null;
}

/** A junction verdict with its evidence. */
export interface JunctionShape {
  readonly confidence: Confidence;
  readonly evidence: readonly string[];
}

/** A primary key or unique index over plain columns only, usable as a composite key. */
function compositeKeys(indexes: readonly Index[]): { name: string; columns: string[]; primary: boolean }[] {
  return indexes
    .filter(
      (i) =>
        (i.primary || i.unique) &&
        i.valid &&
        i.predicate === null &&
        i.keys.length >= 2 &&
        i.keys.every((k) => k.kind === 'column' && k.column !== null),
    )
    .map((i) => ({ name: i.constraint?.name ?? i.name, columns: i.keys.map((k) => k.column!), primary: i.primary }));
}

/** Columns that carry no data of their own: a single-column surrogate key and timestamps. */
function isBookkeeping(column: Column, surrogate: ReadonlySet<string>): boolean {
  return surrogate.has(column.name) || column.typeCategory === 'datetime';
}

/**
 * A junction table: the columns of two or more foreign keys under one primary key or unique
 * constraint (`experiment_id, user_id`). A single foreign key plus one value column under a
 * unique constraint, with nothing else but a surrogate id and timestamps (`experiment_id, tag`),
 * links rows to a set of values the same way, and counts too, at medium confidence.
 */
export function junctionShape(table: Table, lookup: ModelLookup): JunctionShape | null {
  const ref = { schema: table.schema, name: table.name };
  const fks: readonly ForeignKey[] = lookup.foreignKeysOf(table.kind === 'partition' && table.parent ? table.parent : ref);
  if (fks.length === 0) return null;
  const indexes = lookup.indexesOf(ref);
  const surrogate = new Set(
    indexes.filter((i) => i.primary && i.keys.length === 1 && i.keys[0]!.column !== null).map((i) => i.keys[0]!.column!),
  );
  let oneForeignKeyLink: JunctionShape | null = null;
  for (const key of compositeKeys(indexes)) {
    const keyColumns = new Set(key.columns);
    const covered = fks.filter((fk) => fk.columns.every((c) => keyColumns.has(c.column)));
    const fkColumns = new Set(covered.flatMap((fk) => fk.columns.map((c) => c.column)));
    const kind = key.primary ? 'primary key' : 'unique constraint';
    const refs = covered.map((fk) => `${fk.referencedTable.name} (${fk.columns.map((c) => c.column).join(', ')})`);
    if (covered.length >= 2) {
      const extra = key.columns.filter((c) => !fkColumns.has(c));
      return {
        confidence: extra.length === 0 ? 'high' : 'medium',
        evidence: [
          `${kind} ${key.name} (${key.columns.join(', ')}) spans ${covered.length} foreign keys: ${refs.join(', ')}`,
          ...(extra.length > 0 ? [`the key also holds ${extra.join(', ')}`] : []),
        ],
      };
    }
    if (covered.length === 1 && key.columns.length === fkColumns.size + 1 && oneForeignKeyLink === null) {
      const payload = table.columns.filter((c) => !keyColumns.has(c.name) && !isBookkeeping(c, surrogate));
      if (payload.length === 0) {
        const value = key.columns.find((c) => !fkColumns.has(c))!;
        oneForeignKeyLink = {
          confidence: 'medium',
          evidence: [
            `${kind} ${key.name} (${key.columns.join(', ')}) pairs the foreign key to ${refs[0]} with the value ${value}`,
            'no other columns than a surrogate key and timestamps: it links rows to a set of values',
          ],
        };
      }
    }
  }
  return oneForeignKeyLink;
}
