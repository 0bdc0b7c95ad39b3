import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Index, SchemaModel } from '../../../src/model/types.js';
import { introspectMysql } from '../../../src/dialects/mysql/index.js';
import { createMysqlDatabase, type TestMysqlDatabase } from './helpers.js';

const SCHEMA = `
CREATE TABLE accounts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(255) NOT NULL,
  name VARCHAR(200) COLLATE utf8mb4_bin,
  region CHAR(2) NOT NULL,
  body TEXT,
  created_at DATETIME NOT NULL,
  UNIQUE KEY uq_email (email),
  UNIQUE KEY uq_region_name (region, name),
  KEY ix_name_prefix (name(10), created_at DESC) COMMENT 'prefix ''and'' desc',
  KEY ix_ignored (created_at) IGNORED,
  FULLTEXT KEY ft_body (body)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='who pays';
CREATE TABLE places (id INT PRIMARY KEY, g POINT NOT NULL, SPATIAL KEY sp_g (g)) ENGINE=InnoDB;
CREATE TABLE sessions (token CHAR(32) NOT NULL, account_id BIGINT, KEY h_token (token), KEY bt_account (account_id) USING BTREE) ENGINE=MEMORY;
CREATE TABLE legacy (id INT PRIMARY KEY, code VARCHAR(10), UNIQUE KEY uq_code (code)) ENGINE=MyISAM;
CREATE TABLE documents (id INT PRIMARY KEY, body TEXT, UNIQUE KEY uq_body (body)) ENGINE=InnoDB;
CREATE TABLE orders (
  region CHAR(2) NOT NULL, order_no INT NOT NULL, account_id BIGINT NOT NULL, status ENUM('new','paid') NOT NULL,
  PRIMARY KEY (region, order_no),
  CONSTRAINT fk_orders_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB;
CREATE TABLE order_lines (
  id INT AUTO_INCREMENT PRIMARY KEY, region CHAR(2) NOT NULL, order_no INT NOT NULL, qty INT,
  KEY ix_lines_order (region, order_no),
  CONSTRAINT fk_lines_order FOREIGN KEY (region, order_no) REFERENCES orders (region, order_no) ON UPDATE CASCADE
) ENGINE=InnoDB;
CREATE TABLE \`odd\`\`name\` (\`we\`\`ird\` INT, KEY \`ix\`\`odd\` (\`we\`\`ird\`)) ENGINE=InnoDB;
CREATE TABLE readings (id INT NOT NULL, taken DATE NOT NULL, PRIMARY KEY (id, taken), KEY ix_taken (taken)) ENGINE=InnoDB
  PARTITION BY RANGE (YEAR(taken)) (PARTITION p2023 VALUES LESS THAN (2024), PARTITION p2024 VALUES LESS THAN (2025));
CREATE VIEW account_emails AS SELECT email FROM accounts;
`;

/** Regions with known shares: 70 eu, 20 us, 8 ap, 2 sa of 100 accounts. */
const REGION_COUNTS = { eu: 70, us: 20, ap: 8, sa: 2 } as const;

let db: TestMysqlDatabase;
let model: SchemaModel;
/** Server uptime (seconds) read just before and just after the model. */
let uptimeBefore: number;
let uptimeAfter: number;

async function uptime(): Promise<number> {
  const [rows] = await db.connection.query("SHOW GLOBAL STATUS LIKE 'Uptime'");
  return Number((rows as { Value: string }[])[0]!.Value);
}

function indexNamed(table: string, name: string): Index {
  const index = model.indexes.find((i) => i.table === table && i.name === name);
  if (!index) throw new Error(`no index ${table}.${name} in the model`);
  return index;
}

/** The lines of SHOW CREATE TABLE that define keys and constraints, without their trailing commas. */
async function showCreateLines(table: string): Promise<string[]> {
  const [rows] = await db.connection.query(`SHOW CREATE TABLE \`${table.replace(/`/g, '``')}\``);
  const text = (rows as Record<string, string>[])[0]!['Create Table']!;
  return text
    .split('\n')
    .map((l) => l.trim().replace(/,$/, ''))
    .filter((l) => /^(PRIMARY KEY|UNIQUE KEY|KEY|FULLTEXT KEY|SPATIAL KEY|CONSTRAINT)\b/.test(l));
}

beforeAll(async () => {
  db = await createMysqlDatabase();
  await db.exec(SCHEMA);
  let id = 0;
  const values: string[] = [];
  for (const [region, count] of Object.entries(REGION_COUNTS)) {
    for (let i = 0; i < count; i++, id++)
      values.push(`(${id + 1}, 'user${id}@example.com', 'name ${id}', '${region}', 'text', '2024-01-01')`);
  }
  await db.connection.query(`INSERT INTO accounts (id, email, name, region, body, created_at) VALUES ${values.join(', ')}`);
  await db.connection.query('ANALYZE TABLE accounts');
  // Engine-independent statistics with a JSON histogram for region, and a binary one for email.
  await db.connection.query("SET SESSION histogram_type = 'JSON_HB'");
  await db.connection.query('ANALYZE TABLE accounts PERSISTENT FOR COLUMNS (region) INDEXES ()');
  await db.connection.query("SET SESSION histogram_type = 'DOUBLE_PREC_HB'");
  await db.connection.query('ANALYZE TABLE accounts PERSISTENT FOR COLUMNS (email) INDEXES ()');
  uptimeBefore = await uptime();
  model = await introspectMysql(db.connection, { schemas: [db.name] });
  uptimeAfter = await uptime();
});

afterAll(async () => {
  await db?.close();
});

describe('MariaDB introspection', () => {
  it('reads base tables with engine, comment, and clustering only where InnoDB has a primary key', () => {
    const byName = new Map(model.tables.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual([
      'accounts',
      'documents',
      'legacy',
      'odd`name',
      'order_lines',
      'orders',
      'places',
      'readings',
      'sessions',
    ]);
    expect(byName.get('accounts')).toMatchObject({ engine: 'InnoDB', clusteredOnPrimaryKey: true, comment: 'who pays', kind: 'table' });
    expect(byName.get('legacy')).toMatchObject({ engine: 'MyISAM', clusteredOnPrimaryKey: false });
    expect(byName.get('sessions')).toMatchObject({ engine: 'MEMORY', clusteredOnPrimaryKey: false });
    // MyISAM counts rows exactly; the table is empty.
    expect(byName.get('legacy')!.rowEstimate).toBe(0);
    expect(byName.get('accounts')!.rowEstimate).toBe(100);
  });

  it('reads columns with type, nullability, non-default collation and type category', () => {
    const accounts = model.tables.find((t) => t.name === 'accounts')!;
    const column = (name: string) => accounts.columns.find((c) => c.name === name)!;
    expect(column('name')).toMatchObject({
      type: 'varchar(200)',
      notNull: false,
      collation: 'utf8mb4_bin',
      typeCategory: 'string',
      position: 3,
    });
    expect(column('email')).toMatchObject({ notNull: true, collation: null });
    expect(column('created_at').typeCategory).toBe('datetime');
    expect(column('id').typeCategory).toBe('numeric');
    const orders = model.tables.find((t) => t.name === 'orders')!;
    expect(orders.columns.find((c) => c.name === 'status')).toMatchObject({ type: "enum('new','paid')", typeCategory: 'enum' });
    const places = model.tables.find((t) => t.name === 'places')!;
    expect(places.columns.find((c) => c.name === 'g')!.typeCategory).toBe('geometric');
  });

  it('reads prefix and descending key parts in SEQ_IN_INDEX order', () => {
    const index = indexNamed('accounts', 'ix_name_prefix');
    expect(index.keys.map((k) => [k.column, k.prefixLength ?? null, k.ordering])).toEqual([
      ['name', 10, { descending: false, nullsFirst: true }],
      ['created_at', null, { descending: true, nullsFirst: false }],
    ]);
    expect(index.keys[0]!.collation).toBe('utf8mb4_bin');
    expect(index.comment).toBe("prefix 'and' desc");
    expect(index).toMatchObject({ method: 'btree', unique: false, primary: false, constraint: null });
  });

  it('reads FULLTEXT, SPATIAL and HASH methods, unordered where the method does not sort', () => {
    expect(indexNamed('accounts', 'ft_body')).toMatchObject({ method: 'fulltext' });
    expect(indexNamed('accounts', 'ft_body').keys[0]!.ordering).toBeNull();
    const spatial = indexNamed('places', 'sp_g');
    expect(spatial.method).toBe('spatial');
    // SUB_PART 32 of a SPATIAL key is the bounding box, not a prefix of the value.
    expect(spatial.keys[0]!.prefixLength).toBeUndefined();
    expect(indexNamed('sessions', 'h_token')).toMatchObject({ method: 'hash' });
    expect(indexNamed('sessions', 'h_token').keys[0]!.ordering).toBeNull();
    expect(indexNamed('sessions', 'bt_account').method).toBe('btree');
    // MariaDB keeps a UNIQUE key on a TEXT column as a hash of the value.
    expect(indexNamed('documents', 'uq_body')).toMatchObject({ method: 'hash', unique: true });
  });

  it('reads IGNORED indexes as not visible and the others as visible', () => {
    expect(indexNamed('accounts', 'ix_ignored').visible).toBe(false);
    expect(indexNamed('accounts', 'uq_email').visible).toBe(true);
    expect(model.capabilities.indexVisibility).toBe('ignored');
  });

  it('reads primary keys and unique constraints as the constraints their indexes back', () => {
    expect(indexNamed('accounts', 'PRIMARY')).toMatchObject({
      primary: true,
      unique: true,
      clustered: true,
      constraint: { name: 'PRIMARY', type: 'primary', definition: 'PRIMARY KEY (`id`)' },
    });
    expect(indexNamed('accounts', 'uq_region_name').constraint).toMatchObject({ name: 'uq_region_name', type: 'unique' });
    expect(indexNamed('accounts', 'uq_region_name').keys.map((k) => k.column)).toEqual(['region', 'name']);
    expect(indexNamed('legacy', 'uq_code').constraint?.type).toBe('unique');
    expect(indexNamed('legacy', 'PRIMARY').clustered).toBeUndefined();
    expect(indexNamed('orders', 'PRIMARY').keys.map((k) => k.column)).toEqual(['region', 'order_no']);
  });

  it('reads composite foreign keys with their actions, and the index InnoDB made for an unindexed one', () => {
    const lines = model.foreignKeys.find((f) => f.name === 'fk_lines_order')!;
    expect(lines).toMatchObject({
      table: 'order_lines',
      referencedTable: { schema: db.name, name: 'orders' },
      onDelete: 'RESTRICT',
      onUpdate: 'CASCADE',
      validated: true,
    });
    expect(lines.columns.map((c) => [c.column, c.referencedColumn])).toEqual([
      ['region', 'region'],
      ['order_no', 'order_no'],
    ]);
    const orders = model.foreignKeys.find((f) => f.name === 'fk_orders_account')!;
    expect(orders).toMatchObject({ onDelete: 'CASCADE', onUpdate: 'RESTRICT' });
    // orders.account_id had no index: InnoDB created one named after the constraint.
    expect(indexNamed('orders', 'fk_orders_account').keys.map((k) => k.column)).toEqual(['account_id']);
    expect(indexNamed('orders', 'PRIMARY').referencedByForeignKeys).toEqual([{ schema: db.name, name: 'fk_lines_order' }]);
    expect(indexNamed('accounts', 'PRIMARY').referencedByForeignKeys).toEqual([{ schema: db.name, name: 'fk_orders_account' }]);
  });

  it('writes each index and foreign key definition as SHOW CREATE TABLE prints it', async () => {
    for (const table of model.tables) {
      const expected = await showCreateLines(table.name);
      const produced = [
        ...model.indexes.filter((i) => i.table === table.name).map((i) => i.definition),
        ...model.foreignKeys.filter((f) => f.table === table.name).map((f) => f.definition),
      ];
      expect(produced.sort(), table.name).toEqual(expected.sort());
    }
  });

  it('reads per-prefix cardinality estimates and InnoDB index sizes', () => {
    const distinctRegions = Object.keys(REGION_COUNTS).length;
    const accounts = Object.values(REGION_COUNTS).reduce((a, b) => a + b, 0);
    // InnoDB samples every leaf page of a table this small, so the estimates are exact.
    expect(indexNamed('accounts', 'uq_region_name').keyPrefixDistinct).toEqual([distinctRegions, accounts]);
    expect(indexNamed('accounts', 'PRIMARY').sizeBytes).toBeGreaterThan(0);
    expect(indexNamed('accounts', 'PRIMARY').sizeBytes! % 16384).toBe(0);
    // MyISAM keeps no per-index size.
    expect(indexNamed('legacy', 'uq_code').sizeBytes).toBeNull();
  });

  it('sums the sizes of a partitioned table index over its partitions', async () => {
    // InnoDB keeps one b-tree per partition, listed as `readings#P#p2023` and `readings#P#p2024`.
    const [rows] = await db.connection.query(
      "SELECT table_name, stat_value FROM mysql.innodb_index_stats WHERE database_name = ? AND table_name LIKE 'readings#%' AND index_name = 'ix_taken' AND stat_name = 'size'",
      [db.name],
    );
    const partitions = rows as { table_name: string; stat_value: number }[];
    expect(partitions.map((p) => p.table_name).sort()).toEqual(['readings#P#p2023', 'readings#P#p2024']);
    const pageSize = Number(model.database.settings.innodb_page_size);
    expect(indexNamed('readings', 'ix_taken').sizeBytes).toBe(partitions.reduce((sum, p) => sum + Number(p.stat_value) * pageSize, 0));
  });

  it('reads engine-independent column statistics, with value frequencies from a JSON histogram', () => {
    const accounts = model.tables.find((t) => t.name === 'accounts')!;
    const total = Object.values(REGION_COUNTS).reduce((a, b) => a + b, 0);
    const region = accounts.columns.find((c) => c.name === 'region')!.statistics!;
    expect(region.nullFraction).toBe(0);
    expect(region.distinctValues).toBe(Object.keys(REGION_COUNTS).length);
    const expected = Object.entries(REGION_COUNTS).sort((a, b) => b[1] - a[1]);
    expect(region.mostCommonValues).toEqual(expected.map(([r]) => r));
    region.mostCommonFrequencies.forEach((f, i) => expect(f).toBeCloseTo(expected[i]![1] / total, 4));
    const email = accounts.columns.find((c) => c.name === 'email')!.statistics!;
    expect(email.distinctValues).toBe(total);
    // A binary histogram names no values.
    expect(email).toMatchObject({ mostCommonValues: [], mostCommonComplete: false });
    expect(accounts.columns.find((c) => c.name === 'body')!.statistics).toBeNull();
  });

  it('quotes identifiers with backticks, doubling a backtick inside', () => {
    expect(indexNamed('odd`name', 'ix`odd').definition).toBe('KEY `ix``odd` (`we``ird`)');
  });

  it('describes the capabilities of MariaDB and frames the statistics by the server uptime', () => {
    expect(model.capabilities).toMatchObject({
      foreignKeyNeedsIndex: true,
      foreignKeysAutoIndexed: true,
      partialIndexes: false,
      concurrentIndexBuild: false,
      onlineIndexBuild: 'inplace-lock-none',
      identifierMaxBytes: 64,
      constraintIndexesDroppable: true,
      indexNamespace: 'table',
    });
    // statsResetAt = readAt − Uptime, and Uptime was read between the two readings of the test.
    const age = (Date.parse(model.database.readAt) - Date.parse(model.database.statsResetAt!)) / 1000;
    expect(age).toBeGreaterThanOrEqual(uptimeBefore);
    expect(age).toBeLessThanOrEqual(uptimeAfter);
    expect(model.database.serverVersion).toMatch(/MariaDB/);
    expect(model.database.name).toBe(db.name);
  });
});
