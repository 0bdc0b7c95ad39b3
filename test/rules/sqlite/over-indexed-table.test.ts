import { expect } from 'vitest';
import { overIndexedTable } from '../../../src/rules/over-indexed-table.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

/** An append-only request log with `keys` indexed (one index per column named). */
const LOG_TABLE = (
  keys: readonly string[],
) => `CREATE TABLE request_log (id INTEGER PRIMARY KEY, user_id INTEGER, method TEXT, endpoint TEXT,
  status_code INTEGER, agent TEXT, created_at TIMESTAMP NOT NULL);
${keys.map((k) => `CREATE INDEX rl_${k} ON request_log (${k});`).join('\n')}
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO request_log (user_id, method, endpoint, status_code, agent, created_at)
  SELECT i % 50, 'GET', '/items/' || i, 200, 'agent', datetime('2025-11-01', '+' || i || ' minutes') FROM n;
ANALYZE;`;
const LOG = { request_log: 'log' } as const;

// SQLite counts no reads and keeps no column statistics: only the number of indexes can be judged.
dialectRuleTester('sqlite', overIndexedTable, {
  valid: [
    {
      name: 'a log table with five indexes: none can be called unused without read counts',
      sql: LOG_TABLE(['user_id', 'method', 'endpoint', 'status_code']),
      tableTypes: LOG,
    },
  ],
  invalid: [
    {
      name: 'more indexes than a log table should need: said, with no drop (which ones are read is unknown)',
      sql: LOG_TABLE(['user_id', 'method', 'endpoint', 'status_code', 'agent', 'created_at']),
      tableTypes: LOG,
      expected: [
        {
          table: 'request_log',
          severity: 'low',
          columns: undefined,
          // 6 indexes plus the rowid's key: 7, above overIndexedMaxIndexes (5).
          message: expect.stringContaining(
            'with 7 indexes, so every insert writes 7 index entries: more than the 5 indexes a log table should need',
          ),
          help: expect.stringMatching(/^Check which queries need each of the 7 indexes/),
          fix: undefined,
        },
      ],
    },
  ],
});
