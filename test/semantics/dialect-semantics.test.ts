import { describe, expect, it } from 'vitest';
import type { Index, IndexKey, SchemaModel } from '../../src/model/types.js';
import { covers, sameShape } from '../../src/semantics/coverage.js';
import { foreignKeysOrphanedBy, keepsForeignKeyIndexed } from '../../src/semantics/foreign-keys.js';
import { primaryKeySuffix } from '../../src/semantics/keys.js';
import { columnKey, fakeForeignKey, fakeIndex, fakeModel } from '../helpers/model.js';

/** A MySQL-style key: no operator classes; ascending unless `desc`. */
function key(column: string, extra: Partial<IndexKey> = {}): IndexKey {
  return columnKey(column, { opclass: null, opfamily: null, ordering: { descending: false, nullsFirst: true }, ...extra });
}

function innodb(model: SchemaModel): SchemaModel {
  return { ...model, dialect: 'mysql', capabilities: { ...model.capabilities, foreignKeysAutoIndexed: true, foreignKeyNeedsIndex: true } };
}

const pk = [key('id')];

function index(name: string, keys: readonly IndexKey[], extra: Partial<Index> = {}): Index {
  const implicit = primaryKeySuffix(keys, pk);
  return fakeIndex({ name, definition: name, keys, ...(implicit.length > 0 ? { implicitKeys: implicit } : {}), ...extra });
}

describe('index semantics of MySQL and SQLite, through the model', () => {
  it('a prefix key is not the whole column', () => {
    expect(sameShape(index('p', [key('name', { prefixLength: 10 })]), index('f', [key('name')]))).toBe(false);
    expect(covers(index('p', [key('name', { prefixLength: 10 })]), index('f', [key('name')]))).toBe(false);
    expect(covers(index('f', [key('name')]), index('p', [key('name', { prefixLength: 10 })]))).toBe(false);
  });

  it('DESC key parts: (a, b DESC) is neither (a, b) nor covers it', () => {
    const desc = index('d', [key('a'), key('b', { ordering: { descending: true, nullsFirst: false } })]);
    const asc = index('x', [key('a'), key('b')]);
    expect(sameShape(desc, asc)).toBe(false);
    expect(covers(desc, asc) || covers(asc, desc)).toBe(false);
  });

  it('FULLTEXT and HASH are never compared with BTREE', () => {
    expect(covers(index('ft', [key('t')], { method: 'fulltext' }), index('b', [key('t')]))).toBe(false);
    expect(covers(index('b', [key('t')]), index('h', [key('t')], { method: 'hash' }))).toBe(false);
  });

  it('InnoDB appends the primary key: (a, id) duplicates (a); (a) stays redundant to (a, b)', () => {
    const a = index('a', [key('a')]);
    expect(a.implicitKeys?.map((k) => k.column)).toEqual(['id']);
    expect(index('a_id', [key('a'), key('id')]).implicitKeys).toBeUndefined();
    expect(sameShape(a, index('a_id', [key('a'), key('id')]))).toBe(true);
    expect(covers(index('ab', [key('a'), key('b')]), a)).toBe(true);
    // A column held only as a prefix is appended whole all the same.
    expect(primaryKeySuffix([key('id', { prefixLength: 4 })], pk).map((k) => k.column)).toEqual(['id']);
  });

  it('InnoDB: the last index leading with a foreign key’s columns stays; another that leads with them lets it go', () => {
    const fk = fakeForeignKey('fk_code', 't', ['code']);
    const full = index('k_code', [key('code')]);
    const prefixed = index('k_code5', [key('code', { prefixLength: 5 }), key('note')]);
    const wider = index('k_code_note', [key('code'), key('note')]);
    const model = innodb(fakeModel({ indexes: [full, prefixed], foreignKeys: [fk] }));
    expect(keepsForeignKeyIndexed(prefixed, fk)).toBe(false);
    expect(foreignKeysOrphanedBy(full, [prefixed], model).map((f) => f.name)).toEqual(['fk_code']);
    expect(foreignKeysOrphanedBy(full, [wider], model)).toEqual([]);
    // Column order counts for InnoDB; the appended primary key counts too (MariaDB accepts (a) for a foreign key on (a, id)).
    expect(keepsForeignKeyIndexed(index('k_note_code', [key('note'), key('code')]), fk)).toBe(false);
    expect(keepsForeignKeyIndexed(index('k_a', [key('a')]), fakeForeignKey('fk_a_id', 't', ['a', 'id']))).toBe(true);
    // PostgreSQL needs no index for a foreign key: nothing is orphaned there.
    expect(foreignKeysOrphanedBy(full, [], fakeModel({ indexes: [full], foreignKeys: [fk] }))).toEqual([]);
  });

  it('SQLite: COLLATE NOCASE differs from the default collation', () => {
    expect(
      sameShape(
        index('n', [key('e', { collation: 'NOCASE', collationIsDefault: false })]),
        index('b', [key('e', { collation: 'BINARY' })]),
      ),
    ).toBe(false);
  });
});
