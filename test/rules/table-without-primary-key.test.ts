import { expect } from 'vitest';
import { tableWithoutPrimaryKey } from '../../src/rules/table-without-primary-key.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(tableWithoutPrimaryKey, {
  valid: [
    { name: 'a table with a primary key', sql: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);' },
    {
      name: 'partitions of a partitioned table with a primary key',
      sql: `CREATE TABLE events (id bigint, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
            CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
    },
    {
      name: 'a materialized view',
      sql: `CREATE TABLE users (id bigint PRIMARY KEY, email text);
            CREATE MATERIALIZED VIEW user_emails AS SELECT email FROM users;`,
    },
  ],
  invalid: [
    {
      name: 'no primary key and nothing to promote: no fix, and the help says why',
      sql: 'CREATE TABLE staging (a int, b text); CREATE UNIQUE INDEX staging_a_key ON staging (a);',
      expected: [
        {
          severity: 'low',
          table: 'staging',
          index: undefined,
          fix: undefined,
          message: expect.stringMatching(/has no primary key: .*logical replication cannot replicate its UPDATE and DELETE/),
          help: expect.stringMatching(/No fix is generated: no unique index over NOT NULL columns exists to promote/),
          evidence: expect.objectContaining({ promotableIndex: null, uniqueIndexes: [expect.stringContaining('staging_a_key')] }),
        },
      ],
    },
    {
      name: 'a unique index over NOT NULL columns is promoted with ADD PRIMARY KEY USING INDEX, and the way back rebuilds it',
      sql: `CREATE TABLE accounts (code text NOT NULL, region text NOT NULL, name text);
            CREATE UNIQUE INDEX accounts_code_region_key ON accounts (code, region);
            CREATE UNIQUE INDEX accounts_code_key ON accounts (code);
            COMMENT ON INDEX accounts_code_key IS 'natural key';
            INSERT INTO accounts SELECT 'a' || g, 'eu', NULL FROM generate_series(1, 1500) g;
            ANALYZE accounts;`,
      expected: [
        {
          severity: 'medium',
          index: 'accounts_code_key',
          columns: ['code'],
          fix: expect.objectContaining({
            up: [expect.stringMatching(/^ALTER TABLE case_\d+\.accounts ADD PRIMARY KEY USING INDEX accounts_code_key$/)],
          }),
        },
      ],
    },
    {
      name: 'a replica identity index is mentioned: replication still works',
      sql: `CREATE TABLE ledger (id bigint NOT NULL, amount numeric);
            CREATE UNIQUE INDEX ledger_id_key ON ledger (id);
            ALTER TABLE ledger REPLICA IDENTITY USING INDEX ledger_id_key;`,
      expected: [{ index: 'ledger_id_key', message: expect.stringContaining('its REPLICA IDENTITY is index ledger_id_key') }],
    },
    {
      name: 'a partitioned table without a primary key is reported once, on the parent, without a fix',
      sql: `CREATE TABLE metrics (at date NOT NULL, value float8) PARTITION BY RANGE (at);
            CREATE TABLE metrics_2025 PARTITION OF metrics FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
      expected: [{ table: 'metrics', fix: undefined, help: expect.stringContaining('includes the partition key') }],
    },
  ],
});
