/**
 * Monitoring readiness, the seed's "Monitoring" criteria, from the server's settings and
 * extensions. Settings the audit could not read (PGlite, schema files, restricted roles) leave
 * the box unknown.
 */
import type { AuditResult } from '../../audit/types.js';
import { isScratchCopy } from '../../model/target.js';
import type { CheckItem } from './check.js';

/** A server setting; never one of a scratch database a schema file or models were loaded into. */
function setting(result: AuditResult, name: string): string | undefined {
  return isScratchCopy(result.target.kind) ? undefined : result.model.database.settings[name];
}

function isOn(value: string | undefined): boolean {
  return value === 'on' || value === 'true' || value === '1';
}

function preloaded(result: AuditResult, library: string): boolean | undefined {
  const value = setting(result, 'shared_preload_libraries');
  if (value === undefined) return undefined;
  return value.split(',').some((l) => l.trim().replace(/^"|"$/g, '') === library);
}

/** Whether pg_stat_statements collects: it must be both preloaded and created in the database. */
function statementsStatus(
  installed: boolean,
  loaded: boolean | undefined,
  fromFile: boolean,
  unknownDetail: string,
): Pick<CheckItem, 'status' | 'detail'> {
  if (fromFile) return { status: 'unknown', detail: unknownDetail };
  if (installed && loaded === true) return { status: 'pass', detail: 'installed and preloaded' };
  if (installed) {
    return loaded === undefined
      ? { status: 'unknown', detail: 'installed; whether it is preloaded could not be read' }
      : { status: 'fail', detail: 'installed, but not in shared_preload_libraries, so it collects nothing' };
  }
  if (loaded === true) return { status: 'fail', detail: 'preloaded, but CREATE EXTENSION pg_stat_statements was not run in this database' };
  return {
    status: 'fail',
    detail: 'not installed in this database (CREATE EXTENSION pg_stat_statements) and not in shared_preload_libraries',
  };
}

/** pg_stat_statements, the slow-query log, I/O timing and usage counters. */
export function monitoringChecks(result: AuditResult): CheckItem[] {
  const { model } = result;
  const fromFile = isScratchCopy(result.target.kind);
  const source = result.target.kind === 'models' ? 'models have' : 'a schema file has';
  const unknownDetail = fromFile ? `${source} no server settings` : 'the setting could not be read';
  const installed = model.database.extensions.some((e) => e.name === 'pg_stat_statements');
  const loaded = preloaded(result, 'pg_stat_statements');
  const statements: CheckItem = {
    id: 'pg-stat-statements',
    group: 'Monitoring',
    label: 'Query statistics collected (pg_stat_statements)',
    ...statementsStatus(installed, loaded, fromFile, unknownDetail),
  };
  const minDuration = setting(result, 'log_min_duration_statement');
  const ms = minDuration === undefined ? NaN : Number(minDuration);
  const slowLog: CheckItem =
    minDuration === undefined || !Number.isFinite(ms)
      ? {
          id: 'slow-query-log',
          group: 'Monitoring',
          label: 'Slow-query logging enabled (log_min_duration_statement)',
          status: 'unknown',
          detail: unknownDetail,
        }
      : ms < 0
        ? {
            id: 'slow-query-log',
            group: 'Monitoring',
            label: 'Slow-query logging enabled (log_min_duration_statement)',
            status: 'fail',
            detail: 'log_min_duration_statement = -1: no statement is logged for its duration',
          }
        : {
            id: 'slow-query-log',
            group: 'Monitoring',
            label: 'Slow-query logging enabled (log_min_duration_statement)',
            status: 'pass',
            detail:
              ms === 0 ? 'every statement is logged with its duration (heavy on a busy server)' : `statements over ${ms} ms are logged`,
          };
  const ioTiming = setting(result, 'track_io_timing');
  const io: CheckItem =
    ioTiming === undefined
      ? {
          id: 'track-io-timing',
          group: 'Monitoring',
          label: 'I/O timing tracked (track_io_timing)',
          status: 'unknown',
          detail: unknownDetail,
        }
      : {
          id: 'track-io-timing',
          group: 'Monitoring',
          label: 'I/O timing tracked (track_io_timing)',
          status: isOn(ioTiming) ? 'pass' : 'fail',
          detail: `track_io_timing = ${ioTiming}`,
        };
  const trackCounts = setting(result, 'track_counts');
  const usage: CheckItem = !model.capabilities.usageStatistics
    ? {
        id: 'index-usage-statistics',
        group: 'Monitoring',
        label: 'Index usage statistics collected',
        status: fromFile ? 'unknown' : 'fail',
        detail: fromFile ? `${source} no statistics` : 'the usage statistics views could not be read',
      }
    : trackCounts !== undefined && !isOn(trackCounts)
      ? {
          id: 'index-usage-statistics',
          group: 'Monitoring',
          label: 'Index usage statistics collected',
          status: 'fail',
          detail: 'track_counts = off: scans and writes are not counted',
        }
      : {
          id: 'index-usage-statistics',
          group: 'Monitoring',
          label: 'Index usage statistics collected',
          status: 'pass',
          detail: 'scans and writes are counted per index and table',
        };
  return [statements, slowLog, io, usage];
}
