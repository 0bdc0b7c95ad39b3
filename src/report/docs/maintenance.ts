/**
 * A maintenance schedule from the statistics: when autovacuum analyzes and vacuums each table
 * at its measured write rate (PostgreSQL's trigger: threshold + scale factor × rows), where
 * that is too rare or did not happen, which indexes to REINDEX, and when to audit again.
 */
import type { SchemaModel, Table } from '../../model/types.js';
import type { TableType } from '../../rules/context/classify-types.js';

/** Autovacuum's triggers, from the server's settings (defaults where a setting was not read). */
export interface AutovacuumSettings {
  readonly enabled: boolean;
  readonly analyzeThreshold: number;
  readonly analyzeScaleFactor: number;
  readonly vacuumThreshold: number;
  readonly vacuumScaleFactor: number;
  readonly insertThreshold: number;
  readonly insertScaleFactor: number;
}

function setting(model: SchemaModel, name: string, fallback: number): number {
  const value = Number(model.database.settings[name]);
  return Number.isFinite(value) && model.database.settings[name] !== undefined ? value : fallback;
}

/** The server's autovacuum triggers. */
export function autovacuumSettings(model: SchemaModel): AutovacuumSettings {
  return {
    enabled: (model.database.settings.autovacuum ?? 'on') !== 'off',
    analyzeThreshold: setting(model, 'autovacuum_analyze_threshold', 50),
    analyzeScaleFactor: setting(model, 'autovacuum_analyze_scale_factor', 0.1),
    vacuumThreshold: setting(model, 'autovacuum_vacuum_threshold', 50),
    vacuumScaleFactor: setting(model, 'autovacuum_vacuum_scale_factor', 0.2),
    insertThreshold: setting(model, 'autovacuum_vacuum_insert_threshold', 1000),
    insertScaleFactor: setting(model, 'autovacuum_vacuum_insert_scale_factor', 0.2),
  };
}

/** Days the cumulative statistics cover, or null when the reset time is unknown. */
export function statisticsAgeDays(model: SchemaModel): number | null {
  const reset = model.database.statsResetAt;
  if (reset === null) return null;
  const days = (Date.parse(model.database.readAt) - Date.parse(reset)) / 86_400_000;
  return Number.isFinite(days) && days > 0 ? days : null;
}

/** The schedule for one table. */
export interface TableMaintenance {
  readonly schema: string;
  readonly table: string;
  /** Rows changed since the statistics reset (inserts, updates, deletes). */
  readonly modifications: number;
  /** Changed rows that trigger an autoanalyze, and a vacuum of dead rows. */
  readonly analyzeTrigger: number;
  readonly vacuumTrigger: number;
  /** Modifications per day, when the statistics' age is known. */
  readonly perDay: number | null;
  /** Days between autoanalyzes at that rate (null: unknown or no writes). */
  readonly analyzeEveryDays: number | null;
  readonly vacuumEveryDays: number | null;
  readonly deadFraction: number;
  readonly lastAutovacuum: string | null;
  readonly lastAutoanalyze: string | null;
  /** What to do, in sentences; empty when autovacuum's defaults serve it. */
  readonly actions: readonly string[];
}

function days(n: number): string {
  return n >= 2 ? `${n.toFixed(0)} days` : n >= 1 / 24 ? `${(n * 24).toFixed(0)} hours` : 'less than an hour';
}

/** The schedule for one table, from its usage statistics; null when they could not be read. */
export function tableMaintenance(
  table: Table,
  type: TableType,
  model: SchemaModel,
  ageDays: number | null,
  readByRanges = false,
): TableMaintenance | null {
  const u = table.usage;
  if (!u) return null;
  const av = autovacuumSettings(model);
  const rows = Math.max(table.rowEstimate ?? u.liveTuples, 0);
  const modifications = u.inserts + u.updates + u.deletes;
  const analyzeTrigger = Math.round(av.analyzeThreshold + av.analyzeScaleFactor * rows);
  const vacuumTrigger = Math.round(av.vacuumThreshold + av.vacuumScaleFactor * rows);
  const perDay = ageDays !== null ? modifications / ageDays : null;
  const deadPerDay = ageDays !== null ? (u.updates + u.deletes) / ageDays : null;
  const analyzeEveryDays = perDay !== null && perDay > 0 ? analyzeTrigger / perDay : null;
  const vacuumEveryDays = deadPerDay !== null && deadPerDay > 0 ? vacuumTrigger / deadPerDay : null;
  const deadFraction = u.liveTuples + u.deadTuples > 0 ? u.deadTuples / (u.liveTuples + u.deadTuples) : 0;
  const name = table.name;
  const actions: string[] = [];
  if (!av.enabled && modifications > 0) {
    actions.push(
      `autovacuum is off on this server: schedule VACUUM (ANALYZE) ${name} ${type === 'log' || (perDay ?? 0) > analyzeTrigger ? 'daily' : 'weekly'}.`,
    );
  }
  if (u.lastAnalyze === null && u.lastAutoanalyze === null && modifications >= analyzeTrigger) {
    actions.push(
      `never analyzed since the statistics reset although ${modifications.toLocaleString('en-US')} rows changed (autoanalyze triggers at ${analyzeTrigger.toLocaleString('en-US')}): run ANALYZE ${name} now.`,
    );
  }
  if (deadFraction >= 0.2 && u.deadTuples >= av.vacuumThreshold) {
    actions.push(
      `${(deadFraction * 100).toFixed(0)}% of its row versions are dead (${u.deadTuples.toLocaleString('en-US')}): VACUUM ${name}${u.lastAutovacuum === null ? '; autovacuum has not reached it since the statistics reset' : ''}.`,
    );
  }
  if (type === 'log' && modifications > 0) {
    // New rows are outside the histogram until the next ANALYZE: range queries on the newest data are misestimated.
    if (analyzeEveryDays === null || analyzeEveryDays > 1) {
      actions.push(
        `${readByRanges ? 'log table read by ranges' : 'log table'}: analyze at least daily (ANALYZE ${name} after the day's load, or ALTER TABLE ${name} SET (autovacuum_analyze_scale_factor = 0.01))${analyzeEveryDays !== null ? `; at the measured rate autoanalyze runs every ${days(analyzeEveryDays)}` : ''}, so the newest rows are in the statistics (until then the planner underestimates queries on recent data).`,
      );
    }
  } else if (analyzeEveryDays !== null && analyzeEveryDays > 7 && modifications > 0) {
    actions.push(
      `autoanalyze runs about every ${days(analyzeEveryDays)} at the measured write rate: ANALYZE ${name} weekly, or lower its autovacuum_analyze_scale_factor.`,
    );
  }
  if (vacuumEveryDays !== null && vacuumEveryDays > 7 && rows >= 1_000_000) {
    actions.push(
      `dead rows reach autovacuum's trigger only every ${days(vacuumEveryDays)}: ALTER TABLE ${name} SET (autovacuum_vacuum_scale_factor = 0.02).`,
    );
  }
  return {
    schema: table.schema,
    table: table.name,
    modifications,
    analyzeTrigger,
    vacuumTrigger,
    perDay,
    analyzeEveryDays,
    vacuumEveryDays,
    deadFraction,
    lastAutovacuum: u.lastAutovacuum,
    lastAutoanalyze: u.lastAutoanalyze,
    actions,
  };
}

/** When to run the audit again, from how much the statistics have seen. */
export function rerunAdvice(model: SchemaModel, ageDays: number | null, hasWorkload: boolean): string[] {
  const advice: string[] = [
    'After every migration that adds, drops or changes an index, and before merging it (`dbdoctor audit` on the migrated database).',
  ];
  if (ageDays === null) {
    advice.push(
      'The statistics reset time is unknown: reset them deliberately (SELECT pg_stat_reset()), note the date, and audit again after a full business cycle (at least 7 days, 30 to include monthly jobs).',
    );
  } else if (ageDays < 7) {
    advice.push(
      `The statistics cover only ${ageDays.toFixed(1)} days: usage-based findings (unused indexes, write rates) are provisional. Audit again when they cover at least 7 days, better 30.`,
    );
  } else {
    advice.push('Monthly, or after a release that changes the queries: index usage and write rates drift with the application.');
  }
  advice.push(
    hasWorkload
      ? 'With a fresh workload each time (pg_stat_statements, or the query file kept next to the code), so that every index is still tied to the queries it serves.'
      : 'With a workload (pg_stat_statements on the server, --queries or --log): without one, no index can be tied to the queries it serves.',
  );
  return advice;
}
