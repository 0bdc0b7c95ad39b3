/**
 * The success-criteria checklist of the seed audit, every box decided from what the audit
 * measured: the findings, the model and the server settings. A criterion the audit could not
 * measure is `unknown`, never ticked.
 */
import { isScratchCopy } from '../../model/target.js';
import type { AuditResult } from '../../audit/types.js';
import { DEFAULT_RULE_OPTIONS } from '../../rules/types.js';
import { countOf, joinWords } from '../format.js';
import type { CheckItem } from './check.js';
import { monitoringChecks } from './monitoring.js';
import { droppedIndexNames } from './strategy.js';
import { describeAge, statisticsFacts } from './statistics.js';

export type { CheckItem, CheckStatus } from './check.js';

/** A log table with more indexes than this (primary key included) is not minimally indexed: the over-indexed-table rule's default. */
export const LOG_TABLE_MAX_INDEXES = DEFAULT_RULE_OPTIONS.overIndexedMaxIndexes;

const LISTED = 5;

/** `a, b and 3 more`. */
function someOf(names: readonly string[]): string {
  const unique = [...new Set(names)];
  return unique.length <= LISTED ? joinWords(unique) : `${unique.slice(0, LISTED).join(', ')} and ${unique.length - LISTED} more`;
}

function findingsOf(result: AuditResult, rule: string): AuditResult['findings'] {
  return result.findings.filter((f) => f.rule === rule);
}

function objectsOf(result: AuditResult, rule: string): string[] {
  return findingsOf(result, rule).map((f) => `${f.table}.${f.index ?? f.constraint ?? ''}`.replace(/\.$/, ''));
}

/** A criterion decided by whether a rule found anything. */
function noFindings(result: AuditResult, id: string, rule: string, label: string, noun: string, passDetail: string): CheckItem {
  const found = findingsOf(result, rule);
  if (found.length === 0) return { id, group: 'Indexes', label, status: 'pass', detail: passDetail };
  return { id, group: 'Indexes', label, status: 'fail', detail: `${countOf(found.length, noun)}: ${someOf(objectsOf(result, rule))}` };
}

function indexChecks(result: AuditResult): CheckItem[] {
  const { model } = result;
  const fks = model.foreignKeys.length;
  const items: CheckItem[] = [
    noFindings(
      result,
      'no-duplicate-indexes',
      'duplicate-index',
      'No duplicate indexes',
      'duplicate index',
      `none among ${countOf(model.indexes.length, 'index')}`,
    ),
    noFindings(
      result,
      'no-redundant-indexes',
      'redundant-index',
      'No redundant indexes (left prefixes of another index)',
      'redundant index',
      `none among ${countOf(model.indexes.length, 'index')}`,
    ),
  ];
  const unindexed = findingsOf(result, 'unindexed-foreign-key');
  items.push(
    fks === 0
      ? {
          id: 'foreign-keys-indexed',
          group: 'Indexes',
          label: 'Every foreign key indexed',
          status: 'not-applicable',
          detail: 'no foreign keys',
        }
      : unindexed.length === 0
        ? {
            id: 'foreign-keys-indexed',
            group: 'Indexes',
            label: 'Every foreign key indexed',
            status: 'pass',
            detail: `all ${countOf(fks, 'foreign key')} have an index on their columns`,
          }
        : {
            id: 'foreign-keys-indexed',
            group: 'Indexes',
            label: 'Every foreign key indexed',
            status: 'fail',
            detail: `${unindexed.length} of ${countOf(fks, 'foreign key')} have no index (PostgreSQL does not create one): ${someOf(objectsOf(result, 'unindexed-foreign-key'))}`,
          },
  );
  const invalid = [
    ...new Set([...model.indexes.filter((i) => !i.valid).map((i) => `${i.table}.${i.name}`), ...objectsOf(result, 'invalid-index')]),
  ];
  items.push({
    id: 'no-invalid-indexes',
    group: 'Indexes',
    label: 'No invalid indexes',
    status: invalid.length === 0 ? 'pass' : 'fail',
    detail:
      invalid.length === 0 ? 'every index is valid' : `${countOf(invalid.length, 'invalid index', 'invalid indexes')}: ${someOf(invalid)}`,
  });
  const keyed = new Set(model.indexes.filter((i) => i.primary).map((i) => `${i.schema}\u0000${i.table}`));
  const tables = model.tables.filter((t) => t.kind === 'table' || t.kind === 'partitioned');
  const keyless = tables.filter((t) => !keyed.has(`${t.schema}\u0000${t.name}`)).map((t) => t.name);
  items.push({
    id: 'primary-keys',
    group: 'Indexes',
    label: 'Every table has a primary key',
    status: tables.length === 0 ? 'not-applicable' : keyless.length === 0 ? 'pass' : 'fail',
    detail:
      tables.length === 0
        ? 'no tables'
        : keyless.length === 0
          ? `all ${countOf(tables.length, 'table')}`
          : `${countOf(keyless.length, 'table')} without one: ${someOf(keyless)}`,
  });
  const stats = statisticsFacts(result);
  const unused = findingsOf(result, 'unused-index');
  items.push(
    unused.length > 0
      ? {
          id: 'no-unused-indexes',
          group: 'Indexes',
          label: 'No unused indexes',
          status: 'fail',
          detail: `${countOf(unused.length, 'index', 'indexes')} never scanned: ${someOf(objectsOf(result, 'unused-index'))}`,
        }
      : !stats.readable
        ? {
            id: 'no-unused-indexes',
            group: 'Indexes',
            label: 'No unused indexes',
            status: 'unknown',
            detail: stats.unreadable ?? 'usage statistics could not be read',
          }
        : stats.trustworthy !== true
          ? {
              id: 'no-unused-indexes',
              group: 'Indexes',
              label: 'No unused indexes',
              status: 'unknown',
              detail: 'none found, but the statistics are too young or of unknown age to be sure',
            }
          : {
              id: 'no-unused-indexes',
              group: 'Indexes',
              label: 'No unused indexes',
              status: 'pass',
              detail: 'no index is reported unused (those dropped for another reason are listed there)',
            },
  );
  const indexCount = new Map<string, number>();
  for (const i of model.indexes) indexCount.set(`${i.schema}\u0000${i.table}`, (indexCount.get(`${i.schema}\u0000${i.table}`) ?? 0) + 1);
  const logTables = result.tables.filter((t) => t.type === 'log');
  const flagged = new Map<string, number>();
  for (const f of findingsOf(result, 'over-indexed-table')) flagged.set(`${f.schema}\u0000${f.table}`, droppedIndexNames(f).length);
  const verdicts = logTables.map((t) => {
    const k = `${t.schema}\u0000${t.table}`;
    const count = indexCount.get(k) ?? 0;
    const drop = flagged.get(k);
    const tooMany = count > LOG_TABLE_MAX_INDEXES;
    const why = drop !== undefined ? ` (over-indexed${drop > 0 ? `: ${drop} to drop` : ''})` : tooMany ? ' (too many)' : '';
    return { failed: drop !== undefined || tooMany, text: `${t.table} ${countOf(count, 'index', 'indexes')}${why}` };
  });
  items.push({
    id: 'log-tables-minimal',
    group: 'Indexes',
    label: `Log tables have minimal indexes (at most ${LOG_TABLE_MAX_INDEXES}, none idle)`,
    status: logTables.length === 0 ? 'not-applicable' : verdicts.some((v) => v.failed) ? 'fail' : 'pass',
    detail: logTables.length === 0 ? 'no table classified as a log table' : joinWords(verdicts.map((v) => v.text)),
  });
  const composites = findingsOf(result, 'unjustified-composite-index');
  items.push(
    composites.length > 0
      ? {
          id: 'composites-justified',
          group: 'Indexes',
          label: 'Composite indexes only where query patterns justify them',
          status: 'fail',
          detail: `${countOf(composites.length, 'composite index', 'composite indexes')} no query needs: ${someOf(objectsOf(result, 'unjustified-composite-index'))}`,
        }
      : result.workload === null || result.workload.queries.length === 0
        ? {
            id: 'composites-justified',
            group: 'Indexes',
            label: 'Composite indexes only where query patterns justify them',
            status: 'unknown',
            detail: 'no query workload was read (pg_stat_statements, a log or a query file)',
          }
        : {
            id: 'composites-justified',
            group: 'Indexes',
            label: 'Composite indexes only where query patterns justify them',
            status: 'pass',
            detail: `checked against ${countOf(result.workload.queries.length, 'query pattern')}`,
          },
  );
  const lowCardinality = findingsOf(result, 'low-cardinality-index');
  if (lowCardinality.length > 0) {
    items.push({
      id: 'no-low-cardinality-indexes',
      group: 'Indexes',
      label: 'No plain indexes on low-cardinality columns',
      status: 'fail',
      detail: `${countOf(lowCardinality.length, 'index', 'indexes')}: ${someOf(objectsOf(result, 'low-cardinality-index'))}`,
    });
  } else {
    items.push({
      id: 'no-low-cardinality-indexes',
      group: 'Indexes',
      label: 'No plain indexes on low-cardinality columns',
      status: model.tables.some((t) => t.columns.some((c) => c.statistics !== null)) ? 'pass' : 'unknown',
      detail: model.tables.some((t) => t.columns.some((c) => c.statistics !== null))
        ? 'none found in the column statistics'
        : 'no column statistics (pg_stats) to judge by',
    });
  }
  return items;
}

/** Every criterion, grouped as the seed groups them. */
export function successCriteria(result: AuditResult): CheckItem[] {
  const stats = statisticsFacts(result);
  const statistics: CheckItem = !stats.readable
    ? {
        id: 'statistics-trustworthy',
        group: 'Statistics',
        label: 'Usage statistics old enough to trust',
        // A scratch copy cannot meet it and has not failed it: there is nothing to measure.
        status: isScratchCopy(result.target.kind) ? 'unknown' : 'fail',
        detail: stats.unreadable ?? 'usage statistics could not be read',
      }
    : stats.trustworthy === null
      ? {
          id: 'statistics-trustworthy',
          group: 'Statistics',
          label: 'Usage statistics old enough to trust',
          status: 'unknown',
          detail: 'the statistics have never been reset or their age is unknown',
        }
      : {
          id: 'statistics-trustworthy',
          group: 'Statistics',
          label: 'Usage statistics old enough to trust',
          status: stats.trustworthy ? 'pass' : 'fail',
          detail:
            stats.ageDays === null
              ? `the audit ${stats.trustworthy ? 'trusts' : 'does not trust'} them${stats.notes[0] ? `: ${stats.notes[0]}` : ''}`
              : `collected over ${describeAge(stats.ageDays)}${stats.resetAt ? ` (since ${stats.resetAt})` : ''}`,
        };
  return [...indexChecks(result), ...monitoringChecks(result), statistics];
}
