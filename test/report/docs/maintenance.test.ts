import { describe, expect, test } from 'vitest';
import { autovacuumSettings, rerunAdvice, statisticsAgeDays, tableMaintenance } from '../../../src/report/docs/maintenance.js';
import type { SchemaModel, Table, TableUsage } from '../../../src/model/types.js';

function model(settings: Record<string, string>, statsResetAt: string | null = '2025-11-01T00:00:00Z'): SchemaModel {
  return { database: { settings, statsResetAt, readAt: '2025-11-11T00:00:00Z' } } as unknown as SchemaModel;
}

function table(rows: number, usage: Partial<TableUsage>): Table {
  const base: TableUsage = {
    seqScans: 0,
    seqTuplesRead: 0,
    indexScans: 0,
    indexTuplesFetched: 0,
    inserts: 0,
    updates: 0,
    hotUpdates: 0,
    deletes: 0,
    liveTuples: rows,
    deadTuples: 0,
    lastVacuum: null,
    lastAutovacuum: null,
    lastAnalyze: null,
    lastAutoanalyze: null,
  };
  return { schema: 'public', name: 't', rowEstimate: rows, usage: { ...base, ...usage } } as unknown as Table;
}

describe('maintenance schedule', () => {
  test('autovacuum triggers come from the settings, defaults otherwise', () => {
    expect(autovacuumSettings(model({}))).toMatchObject({
      enabled: true,
      analyzeThreshold: 50,
      analyzeScaleFactor: 0.1,
      vacuumScaleFactor: 0.2,
    });
    expect(autovacuumSettings(model({ autovacuum: 'off', autovacuum_analyze_scale_factor: '0.05' }))).toMatchObject({
      enabled: false,
      analyzeScaleFactor: 0.05,
    });
  });

  test('intervals follow the measured write rate over the statistics age', () => {
    const m = model({});
    expect(statisticsAgeDays(m)).toBe(10);
    // 100,000 rows, 10,050 analyze trigger; 1,005 changes a day → every 10 days: weekly ANALYZE advised.
    const slow = tableMaintenance(table(100_000, { inserts: 10_050 }), 'transaction', m, 10)!;
    expect(slow.analyzeTrigger).toBe(10_050);
    expect(slow.analyzeEveryDays).toBeCloseTo(10, 5);
    expect(slow.actions.join(' ')).toMatch(/ANALYZE t weekly/);
    // A log table read by ranges is analyzed daily whatever the default would do.
    const log = tableMaintenance(table(100_000, { inserts: 10_050 }), 'log', m, 10, true)!;
    expect(log.actions.join(' ')).toMatch(/log table read by ranges: analyze at least daily/);
  });

  test('dead rows, tables never analyzed, and autovacuum off are said', () => {
    const m = model({ autovacuum: 'off' });
    const t = tableMaintenance(table(1000, { updates: 600, deadTuples: 600, liveTuples: 1000 }), 'transaction', m, null)!;
    const text = t.actions.join(' ');
    expect(text).toMatch(/autovacuum is off on this server: schedule VACUUM \(ANALYZE\) t/);
    expect(text).toMatch(/never analyzed since the statistics reset/);
    expect(text).toMatch(/38% of its row versions are dead/);
    expect(tableMaintenance({ ...table(10, {}), usage: null }, 'unknown', m, null)).toBeNull();
  });

  test('when to audit again depends on how much the statistics have seen', () => {
    expect(rerunAdvice(model({}), null, false).join(' ')).toMatch(/reset time is unknown.*without one, no index can be tied/);
    expect(rerunAdvice(model({}), 2, true).join(' ')).toMatch(/cover only 2\.0 days/);
    expect(rerunAdvice(model({}), 40, true).join(' ')).toMatch(/Monthly/);
  });
});
