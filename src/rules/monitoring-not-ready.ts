import type { SchemaModel } from '../model/types.js';
import { defineRule } from './define-rule.js';
import type { EvidenceValue, Finding } from './types.js';

/** The shared_preload_libraries entries, trimmed and unquoted. */
function preloaded(model: SchemaModel): string[] | null {
  const value = model.database.settings.shared_preload_libraries;
  if (value === undefined) return null;
  return value
    .split(',')
    .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
    .filter((s) => s.length > 0);
}

/**
 * A database-wide finding: about the database, not a table. `schema` is empty and `table` is
 * the database's name, so reports group these under the database; `subject` names the setting
 * or extension, and ignore entries can match it.
 */
function item(model: SchemaModel, subject: string, message: string, help: string, evidence: { [key: string]: EvidenceValue }): Finding {
  return {
    rule: 'monitoring-not-ready',
    severity: 'low',
    schema: '',
    table: model.database.name ?? '',
    subject,
    message,
    help,
    evidence,
  };
}

/**
 * The seed's "Monitoring" criteria, measured: pg_stat_statements installed here and preloaded
 * (query statistics), slow statements logged (log_min_duration_statement), I/O timed
 * (track_io_timing), and usage statistics old and complete enough to judge indexes by. One
 * finding per missing item.
 */
export const monitoringNotReady = defineRule({
  id: 'monitoring-not-ready',
  severity: 'low',
  docs: {
    description:
      'Monitoring the audit depends on is missing: pg_stat_statements, slow-query logging, track_io_timing, or usable statistics.',
  },
  check({ model, options, facts }) {
    if (model.dialect !== 'postgres' || model.capabilities.serverSettings === false) return [];
    const findings: Finding[] = [];
    const settings = model.database.settings;
    const installed = model.database.extensions.some((e) => e.name === 'pg_stat_statements');
    const libraries = preloaded(model);
    if (libraries !== null && !libraries.includes('pg_stat_statements')) {
      findings.push(
        item(
          model,
          'shared_preload_libraries',
          `pg_stat_statements is not in shared_preload_libraries (${libraries.length === 0 ? 'empty' : `'${libraries.join(', ')}'`}): the server records no per-query statistics, so slow and frequent queries cannot be found.`,
          "Add pg_stat_statements to shared_preload_libraries (ALTER SYSTEM SET shared_preload_libraries = '…, pg_stat_statements') and restart the server.",
          { setting: 'shared_preload_libraries', value: settings.shared_preload_libraries ?? null },
        ),
      );
    }
    if (!installed) {
      findings.push(
        item(
          model,
          'pg_stat_statements',
          `The pg_stat_statements extension is not installed in database ${model.database.name ?? '(unknown)'}: its view, which dbdoctor and other tools read query statistics from, does not exist here.`,
          // No fix as data: installing an extension is an operations change, not part of an index migration.
          `Run CREATE EXTENSION pg_stat_statements in this database${libraries !== null && !libraries.includes('pg_stat_statements') ? ' once the library is preloaded' : ''}.`,
          { extension: 'pg_stat_statements', installedExtensions: model.database.extensions.map((e) => e.name) },
        ),
      );
    }
    const slowLog = settings.log_min_duration_statement;
    if (slowLog !== undefined && Number(slowLog) < 0) {
      findings.push(
        item(
          model,
          'log_min_duration_statement',
          'Slow statements are not logged (log_min_duration_statement = -1): a query that suddenly takes seconds leaves no trace.',
          "Log statements slower than a threshold, e.g. ALTER SYSTEM SET log_min_duration_statement = '1s'; SELECT pg_reload_conf();",
          { setting: 'log_min_duration_statement', value: slowLog },
        ),
      );
    }
    if (settings.track_io_timing !== undefined && settings.track_io_timing !== 'on') {
      findings.push(
        item(
          model,
          'track_io_timing',
          'track_io_timing is off: pg_stat_statements and EXPLAIN (ANALYZE, BUFFERS) cannot tell time spent reading from disk from time spent computing.',
          'Turn it on (ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf();) after checking with pg_test_timing that the clock is cheap to read.',
          { setting: 'track_io_timing', value: settings.track_io_timing },
        ),
      );
    }
    const trust = facts.trust;
    if (!trust.trustworthy) {
      findings.push(
        item(
          model,
          'statistics',
          `Index usage statistics cannot be relied on yet: ${trust.notes.filter((n) => !n.startsWith('Statistics cover')).join(' ')}`,
          `Let the statistics collect at least ${options.minStatsAgeDays} days of normal traffic (avoid pg_stat_reset()), make sure track_counts is on and the auditing role has pg_monitor, then audit again.`,
          { resetAt: trust.resetAt, ageDays: trust.ageDays, activity: trust.activity, trackCounts: settings.track_counts ?? null },
        ),
      );
    }
    return findings;
  },
});
