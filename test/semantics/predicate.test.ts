import { describe, expect, test } from 'vitest';
import { conjuncts, impliedByEqualityOn } from '../../src/semantics/predicate.js';

describe('conjuncts', () => {
  test.each([
    ['a IS NOT NULL', ['a IS NOT NULL']],
    ['(a IS NOT NULL)', ['a IS NOT NULL']],
    ['((a > 0))', ['a > 0']],
    ['(a > 0) AND (b < 0)', ['a > 0', 'b < 0']],
    ['a IS NOT NULL AND b IS NULL AND c = 3', ['a IS NOT NULL', 'b IS NULL', 'c = 3']],
    ['((a = 1) OR (b = 2)) AND (c IS NULL)', ['(a = 1) OR (b = 2)', 'c IS NULL']],
    ["note = 'x AND y'", ["note = 'x AND y'"]],
    ["(note = ')') AND (a > 0)", ["note = ')'", 'a > 0']],
    ["note = 'it''s AND so'", ["note = 'it''s AND so'"]],
    ['"odd AND name" IS NOT NULL', ['"odd AND name" IS NOT NULL']],
  ])('%s', (predicate, parts) => {
    expect(conjuncts(predicate)).toEqual(parts);
  });

  test.each(['a = 1 OR b = 2', '(a = 1) OR (b = 2)', '((a IS NULL) OR (b IS NULL))'])('top-level OR: %s', (predicate) => {
    expect(conjuncts(predicate)).toBeNull();
  });
});

describe('impliedByEqualityOn', () => {
  test('no predicate is always implied', () => {
    expect(impliedByEqualityOn(null, [])).toBe(true);
    expect(impliedByEqualityOn(null, ['a'])).toBe(true);
  });

  test.each<[string, string[]]>([
    ['parent_id IS NOT NULL', ['parent_id']],
    ['(parent_id IS NOT NULL)', ['parent_id']],
    ['a IS NOT NULL AND b IS NOT NULL', ['a', 'b']],
    ['(b IS NOT NULL) AND (a IS NOT NULL)', ['a', 'b']],
    ['a IS NOT NULL', ['a', 'b']],
    ['(a IS NOT NULL) OR (x = 1)', ['a']],
    ['(x = 1) OR (a IS NOT NULL)', ['a']],
    ['(a IS NOT NULL) AND ((b IS NOT NULL) OR (x > 0))', ['a', 'b']],
    ['"Parent Id" IS NOT NULL', ['Parent Id']],
    ['"we""ird" IS NOT NULL', ['we"ird']],
    ['"select" IS NOT NULL', ['select']],
  ])('implied: %s by equality on %j', (predicate, columns) => {
    expect(impliedByEqualityOn(predicate, columns)).toBe(true);
  });

  test.each<[string, string[]]>([
    ['other IS NOT NULL', ['parent_id']],
    ['a IS NOT NULL AND b IS NOT NULL', ['a']],
    ['(a IS NOT NULL) AND (x = 1)', ['a']],
    ['a IS NULL', ['a']],
    ['a > 0', ['a']],
    ['a = 1', ['a']],
    ['(x = 1) OR (y = 2)', ['a']],
    ['deleted_at IS NULL', ['parent_id']],
    ['"Parent Id" IS NOT NULL', ['parent id']],
    ['parent_id_2 IS NOT NULL', ['parent_id']],
    ["note = 'a IS NOT NULL'", ['a']],
  ])('not implied: %s by equality on %j', (predicate, columns) => {
    expect(impliedByEqualityOn(predicate, columns)).toBe(false);
  });
});
