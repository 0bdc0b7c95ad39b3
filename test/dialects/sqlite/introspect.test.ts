import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Index, SchemaModel } from '../../../src/model/types.js';
import { openSqliteFile } from '../../../src/dialects/sqlite/index.js';
import { createSqliteFile, temporaryFolder } from './helpers.js';

const SCHEMA = `
CREATE TABLE orgs (id INTEGER PRIMARY KEY, slug TEXT NOT NULL, UNIQUE (slug));
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL COLLATE NOCASE UNIQUE,
  name TEXT,
  org_id INTEGER REFERENCES orgs (id) ON DELETE CASCADE,
  status TEXT,
  deleted_at DATETIME,
  data JSON
);
CREATE TABLE memberships (
  org_id INTEGER NOT NULL, user_id INTEGER NOT NULL, role TEXT,
  PRIMARY KEY (org_id, user_id)
) WITHOUT ROWID;
CREATE TABLE tags (name TEXT PRIMARY KEY, note TEXT);
CREATE TABLE events (id INTEGER PRIMARY KEY DESC, kind TEXT);
CREATE TABLE composite_parent (a INTEGER, b TEXT, PRIMARY KEY (a, b));
CREATE TABLE composite_child (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, FOREIGN KEY (a, b) REFERENCES composite_parent ON UPDATE SET NULL);
CREATE INDEX users_name_desc ON users (name DESC, status);
CREATE INDEX users_active ON users (status) WHERE deleted_at IS NULL AND status <> 'where (not a keyword)';
CREATE INDEX users_lower_email ON users (lower(email), "name" COLLATE NOCASE);
CREATE UNIQUE INDEX orgs_slug_nocase ON orgs (slug COLLATE NOCASE);
CREATE INDEX "odd ""name""" ON tags ([note]) /* a comment, where it may be */;
CREATE VIEW active_users AS SELECT * FROM users WHERE deleted_at IS NULL;
`;

const folder = temporaryFolder();
let model: SchemaModel;
let analyzed: SchemaModel;
/** Rows of the analyzed table, and the distinct values of its index prefixes (g = i % 4, h = i % 20). */
const ROWS = 100;
const DISTINCT_G = 4;
const DISTINCT_GH = 20;

function indexNamed(name: string, from: SchemaModel = model): Index {
  const index = from.indexes.find((i) => i.name === name);
  if (!index) throw new Error(`no index ${name} in the model`);
  return index;
}

beforeAll(async () => {
  const path = join(folder.dir, 'app.db');
  createSqliteFile(path, SCHEMA);
  const db = await openSqliteFile(path);
  model = await db.readModel();
  await db.close();

  const statsPath = join(folder.dir, 'stats.sqlite');
  const rows = Array.from({ length: ROWS }, (_, i) => `(${i + 1}, ${i % DISTINCT_G}, ${i % DISTINCT_GH})`).join(', ');
  createSqliteFile(
    statsPath,
    `CREATE TABLE t (id INTEGER PRIMARY KEY, g INT, h INT); CREATE INDEX t_gh ON t (g, h); INSERT INTO t VALUES ${rows}; ANALYZE;`,
  );
  const stats = await openSqliteFile(statsPath);
  analyzed = await stats.readModel();
  await stats.close();
});

afterAll(() => folder.remove());

describe('SQLite introspection', () => {
  it('records an INTEGER PRIMARY KEY as the rowid, listed as a clustered primary index', () => {
    const users = model.tables.find((t) => t.name === 'users')!;
    expect(users).toMatchObject({ schema: 'main', rowidAlias: 'id', clusteredOnPrimaryKey: true });
    expect(indexNamed('sqlite_rowid_users')).toMatchObject({
      table: 'users',
      primary: true,
      unique: true,
      clustered: true,
      constraint: { type: 'primary', definition: 'PRIMARY KEY ("id")' },
    });
    expect(indexNamed('sqlite_rowid_users').keys.map((k) => k.column)).toEqual(['id']);
  });

  it('does not take other primary keys for the rowid: TEXT, composite, and INTEGER PRIMARY KEY DESC get automatic indexes', () => {
    for (const table of ['tags', 'events', 'composite_parent']) {
      expect(model.tables.find((t) => t.name === table)).toMatchObject({ rowidAlias: null, clusteredOnPrimaryKey: false });
      const primary = model.indexes.find((i) => i.table === table && i.primary)!;
      expect(primary.name).toBe(`sqlite_autoindex_${table}_1`);
      expect(primary.clustered).toBeUndefined();
    }
    expect(indexNamed('sqlite_autoindex_tags_1')).toMatchObject({ definition: 'PRIMARY KEY ("name")', constraint: { type: 'primary' } });
  });

  it('reads a WITHOUT ROWID table as clustered on its primary key', () => {
    const memberships = model.tables.find((t) => t.name === 'memberships')!;
    expect(memberships.clusteredOnPrimaryKey).toBe(true);
    expect('rowidAlias' in memberships).toBe(false);
    const primary = model.indexes.find((i) => i.table === 'memberships' && i.primary)!;
    expect(primary).toMatchObject({ clustered: true, unique: true });
    expect(primary.keys.map((k) => k.column)).toEqual(['org_id', 'user_id']);
  });

  it('reads automatic indexes of UNIQUE constraints, with the column collation as the key collation', () => {
    const email = model.indexes.find((i) => i.table === 'users' && i.name.startsWith('sqlite_autoindex_'))!;
    expect(email).toMatchObject({
      unique: true,
      primary: false,
      constraint: { type: 'unique', definition: 'UNIQUE ("email")' },
      definition: 'UNIQUE ("email")',
    });
    expect(email.keys[0]).toMatchObject({ column: 'email', collation: 'NOCASE', collationIsDefault: true });
    expect(model.capabilities.constraintIndexesDroppable).toBe(false);
  });

  it('reads column collations, types and nullability', () => {
    const users = model.tables.find((t) => t.name === 'users')!;
    const column = (name: string) => users.columns.find((c) => c.name === name)!;
    expect(column('email')).toMatchObject({ collation: 'NOCASE', notNull: true, typeCategory: 'string', type: 'TEXT' });
    expect(column('name')).toMatchObject({ collation: null, notNull: false });
    expect(column('deleted_at').typeCategory).toBe('datetime');
    expect(column('data').typeCategory).toBe('json');
    expect(column('id')).toMatchObject({ typeCategory: 'numeric', position: 1 });
  });

  it('reads DESC keys and keeps the CREATE INDEX text as the definition', () => {
    const index = indexNamed('users_name_desc');
    expect(index.keys.map((k) => [k.column, k.ordering])).toEqual([
      ['name', { descending: true, nullsFirst: false }],
      ['status', { descending: false, nullsFirst: true }],
    ]);
    expect(index.definition).toBe('CREATE INDEX users_name_desc ON users (name DESC, status)');
    expect(index.constraint).toBeNull();
  });

  it('reads the WHERE clause of a partial index as written', () => {
    expect(indexNamed('users_active').predicate).toBe("deleted_at IS NULL AND status <> 'where (not a keyword)'");
    expect(indexNamed('users_name_desc').predicate).toBeNull();
  });

  it('reads expression keys and non-default key collations', () => {
    const index = indexNamed('users_lower_email');
    expect(index.keys[0]).toMatchObject({ kind: 'expression', column: null, expression: 'lower(email)', referencedColumns: ['email'] });
    expect(index.keys[1]).toMatchObject({ kind: 'column', column: 'name', collation: 'NOCASE', collationIsDefault: false });
    const slug = indexNamed('orgs_slug_nocase');
    expect(slug).toMatchObject({ unique: true, constraint: null });
    expect(slug.keys[0]).toMatchObject({ collation: 'NOCASE', collationIsDefault: false });
  });

  it('reads quoted names', () => {
    const odd = indexNamed('odd "name"');
    expect(odd).toMatchObject({ table: 'tags', predicate: null });
    expect(odd.keys.map((k) => k.column)).toEqual(['note']);
  });

  it('reads foreign keys, a missing parent column list as the parent primary key, and the parent index they use', () => {
    const users = model.foreignKeys.find((f) => f.table === 'users')!;
    expect(users).toMatchObject({
      name: 'users_org_id_fkey',
      referencedTable: { schema: 'main', name: 'orgs' },
      onDelete: 'CASCADE',
      onUpdate: 'NO ACTION',
    });
    expect(users.columns.map((c) => [c.column, c.referencedColumn])).toEqual([['org_id', 'id']]);
    expect(users.definition).toBe('FOREIGN KEY ("org_id") REFERENCES "orgs" ("id") ON DELETE CASCADE');
    const child = model.foreignKeys.find((f) => f.table === 'composite_child')!;
    expect(child.columns.map((c) => [c.column, c.referencedColumn])).toEqual([
      ['a', 'a'],
      ['b', 'b'],
    ]);
    expect(child.onUpdate).toBe('SET NULL');
    expect(indexNamed('sqlite_rowid_orgs').referencedByForeignKeys).toEqual([{ schema: 'main', name: 'users_org_id_fkey' }]);
    expect(indexNamed('sqlite_autoindex_composite_parent_1').referencedByForeignKeys).toEqual([
      { schema: 'main', name: 'composite_child_a_b_fkey' },
    ]);
    expect(model.capabilities).toMatchObject({
      foreignKeysAutoIndexed: false,
      foreignKeyNeedsIndex: false,
      partialIndexesServeForeignKeys: false,
    });
  });

  it('lists views as other relations, and says what SQLite does not keep', () => {
    expect(model.otherRelations).toEqual([{ schema: 'main', name: 'active_users' }]);
    expect(model.capabilities).toMatchObject({
      usageStatistics: false,
      partialIndexes: true,
      indexVisibility: null,
      onlineIndexBuild: null,
    });
    expect(model.limitations).toContain('ANALYZE has not been run (no sqlite_stat1): row counts and distinct-value estimates are unknown');
    expect(model.limitations.some((l) => l.startsWith('SQLite keeps no usage statistics'))).toBe(true);
    expect(model.tables.every((t) => t.rowEstimate === null && t.usage === null)).toBe(true);
    expect(model.indexes.every((i) => i.usage === null && i.keyPrefixDistinct === undefined)).toBe(true);
  });

  it('reads row counts and distinct values per key prefix from sqlite_stat1 after ANALYZE', () => {
    expect(analyzed.tables[0]!.rowEstimate).toBe(ROWS);
    expect(indexNamed('t_gh', analyzed).keyPrefixDistinct).toEqual([DISTINCT_G, DISTINCT_GH]);
    expect(indexNamed('sqlite_rowid_t', analyzed).keyPrefixDistinct).toEqual([ROWS]);
    expect(analyzed.limitations.some((l) => l.startsWith('ANALYZE has not been run') || l.startsWith('sqlite_stat1 has no row'))).toBe(
      false,
    );
  });

  it('measures tables and indexes in pages (dbstat)', () => {
    const pageSize = Number(analyzed.database.settings.page_size);
    const t = analyzed.tables[0]!;
    expect(t.sizeBytes! % pageSize).toBe(0);
    expect(t.sizeBytes).toBeGreaterThan(0);
    expect(t.indexesSizeBytes).toBe(indexNamed('t_gh', analyzed).sizeBytes);
    expect(indexNamed('sqlite_rowid_t', analyzed).sizeBytes).toBe(t.sizeBytes);
  });
});
