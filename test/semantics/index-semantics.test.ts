import { describe, expect, test } from 'vitest';
import type { IndexKey, KeyOrdering } from '../../src/model/types.js';
import { keysArePrefix, sameKeyContent } from '../../src/semantics/keys.js';
import { columnKey } from '../helpers/model.js';

/** A btree key written the way CREATE INDEX takes it: `a`, `a DESC`, `a NULLS FIRST`, `a DESC NULLS LAST`. */
function key(spec: string, extra: Partial<IndexKey> = {}): IndexKey {
  const [column = '', ...words] = spec.split(' ');
  const text = words.join(' ');
  const descending = /\bDESC\b/.test(text);
  const nullsFirst = /NULLS FIRST/.test(text) ? true : /NULLS LAST/.test(text) ? false : descending;
  const ordering: KeyOrdering = { descending, nullsFirst };
  return columnKey(column, { ordering, ...extra });
}

const keys = (...specs: string[]): IndexKey[] => specs.map((s) => key(s));

describe('keysArePrefix: sort orders', () => {
  test.each<[string[], string[]]>([
    [['a'], ['a']],
    [['a'], ['a', 'b']],
    [
      ['a', 'b'],
      ['a', 'b', 'c'],
    ],
    [['a'], ['a DESC']],
    [['a DESC'], ['a']],
    [['a'], ['a DESC', 'b DESC']],
    [['a'], ['a DESC NULLS FIRST', 'b']],
    [['a NULLS FIRST'], ['a DESC NULLS LAST']],
    [['a DESC NULLS LAST'], ['a NULLS FIRST', 'b']],
    [
      ['a', 'b DESC'],
      ['a DESC', 'b'],
    ],
    [
      ['a', 'b DESC'],
      ['a DESC', 'b', 'c DESC'],
    ],
    [
      ['a DESC', 'b DESC'],
      ['a', 'b'],
    ],
  ])('%j is a prefix of %j', (a, b) => {
    expect(keysArePrefix(keys(...a), keys(...b))).toBe(true);
  });

  test.each<[string[], string[]]>([
    [
      ['a', 'b'],
      ['a', 'b DESC'],
    ],
    [
      ['a', 'b'],
      ['a DESC', 'b'],
    ],
    [
      ['a', 'b'],
      ['a', 'b DESC', 'c'],
    ],
    [['a'], ['a DESC NULLS LAST']],
    [['a'], ['a DESC NULLS LAST', 'b']],
    [['a NULLS FIRST'], ['a DESC NULLS FIRST']],
    [['a NULLS FIRST'], ['a']],
    [['a DESC'], ['a DESC NULLS LAST']],
    [['b'], ['a', 'b']],
    [['a', 'b'], ['a']],
    [
      ['a', 'b'],
      ['b', 'a'],
    ],
  ])('%j is not a prefix of %j', (a, b) => {
    expect(keysArePrefix(keys(...a), keys(...b))).toBe(false);
  });
});

describe('keysArePrefix: what a key indexes', () => {
  test('a different operator class is a different key', () => {
    const pattern = key('a', { opclass: 'pg_catalog.text_pattern_ops', opfamily: 'pg_catalog.text_pattern_ops' });
    expect(keysArePrefix([pattern], [key('a'), key('b')])).toBe(false);
    expect(keysArePrefix([key('a')], [pattern, key('b')])).toBe(false);
    expect(keysArePrefix([pattern], [{ ...pattern }, key('b')])).toBe(true);
  });

  test('a different collation is a different key', () => {
    const c = key('a', { collation: 'pg_catalog."C"' });
    const dflt = key('a', { collation: 'pg_catalog."default"' });
    expect(keysArePrefix([c], [dflt, key('b')])).toBe(false);
    expect(keysArePrefix([c], [{ ...c }, key('b')])).toBe(true);
  });

  test('an expression is not the column it reads, and expressions compare by text', () => {
    const lower = key('x', { kind: 'expression', column: null, expression: 'lower(email)', referencedColumns: ['email'] });
    const upper = key('x', { kind: 'expression', column: null, expression: 'upper(email)', referencedColumns: ['email'] });
    const emailExpr = key('x', { kind: 'expression', column: null, expression: 'email', referencedColumns: ['email'] });
    expect(keysArePrefix([lower], [{ ...lower }, key('b')])).toBe(true);
    expect(keysArePrefix([lower], [upper])).toBe(false);
    expect(keysArePrefix([key('email')], [emailExpr])).toBe(false);
    expect(sameKeyContent(key('email'), emailExpr)).toBe(false);
  });

  test('keys of unordered methods (null ordering) match only unordered keys', () => {
    const hashA = key('a', { ordering: null });
    expect(keysArePrefix([hashA], [{ ...hashA }])).toBe(true);
    expect(keysArePrefix([hashA], [key('a')])).toBe(false);
    expect(keysArePrefix([key('a')], [hashA])).toBe(false);
  });
});
