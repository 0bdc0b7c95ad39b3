import type { SettingValue } from './types.js';

/**
 * A static reader of pool options objects in JavaScript/TypeScript config: it finds object
 * literals in expression position (`new Pool({...})`, `createPool({...})`, `export default {...}`,
 * `const db = {...}`) and reads their properties. Literal values, products and sums of numbers
 * (`30 * 1000`) are read; anything else is kept as text. Nothing is run.
 */

interface Token {
  readonly type: 'name' | 'number' | 'string' | 'template' | 'op';
  readonly text: string;
  readonly value?: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
}

/** An object literal, its properties read; nested objects are kept as objects. */
export interface ObjectLiteral {
  readonly line: number;
  /** The call it is the first argument of (`Pool`, `createPool`), if any. */
  readonly callee: string | null;
  readonly properties: ReadonlyMap<string, SettingValue | ObjectLiteral>;
}

const NAME = /^[A-Za-z_$][\w$]*/;
const NUMBER = /^(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?)n?/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const push = (type: Token['type'], end: number, value?: string): void => {
    const text = source.slice(i, end);
    tokens.push({ type, text, value, start: i, end, line });
    line += text.split('\n').length - 1;
    i = end;
  };
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (ch === '\n') line++;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (source.startsWith('//', i)) {
      const nl = source.indexOf('\n', i);
      i = nl < 0 ? source.length : nl;
      continue;
    }
    if (source.startsWith('/*', i)) {
      const close = source.indexOf('*/', i + 2);
      const end = close < 0 ? source.length : close + 2;
      line += source.slice(i, end).split('\n').length - 1;
      i = end;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== ch) j += source[j] === '\\' ? 2 : 1;
      push(ch === '`' ? 'template' : 'string', Math.min(j + 1, source.length), source.slice(i + 1, j));
      continue;
    }
    const rest = source.slice(i, i + 100);
    const name = NAME.exec(rest);
    if (name) {
      push('name', i + name[0].length);
      continue;
    }
    const number = /[\d.]/.test(ch) ? NUMBER.exec(rest) : null;
    if (number && number[0] !== '.' && number[0].length > 0) {
      push('number', i + number[0].length);
      continue;
    }
    const op = ['=>', '...', '??', '?.', '===', '!==', '==', '!='].find((o) => source.startsWith(o, i)) ?? ch;
    push('op', i + op.length);
  }
  return tokens;
}

/** Evaluates `a * b + c` over number literals only; null for anything else. */
function arithmetic(tokens: readonly Token[]): number | null {
  if (tokens.length === 0 || tokens.length % 2 === 0) return null;
  let sum = 0;
  let product = 1;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (!t) return null;
    if (k % 2 === 0) {
      if (t.type !== 'number') return null;
      const n = Number(t.text.replace(/_/g, ''));
      if (!Number.isFinite(n)) return null;
      product *= n;
    } else if (t.text === '+') {
      sum += product;
      product = 1;
    } else if (t.text !== '*') {
      return null;
    }
  }
  return sum + product;
}

function valueOf(tokens: readonly Token[], source: string): SettingValue {
  const text = source
    .slice(tokens[0]?.start ?? 0, tokens[tokens.length - 1]?.end ?? 0)
    .replace(/\s+/g, ' ')
    .trim();
  const [first] = tokens;
  if (tokens.length === 1 && first) {
    if (first.type === 'string' || (first.type === 'template' && !first.text.includes('${')))
      return { kind: 'string', value: first.value ?? '' };
    if (first.text === 'true' || first.text === 'false') return { kind: 'boolean', value: first.text === 'true' };
    if (first.text === 'null' || first.text === 'undefined') return { kind: 'none' };
  }
  const negative = first?.text === '-';
  const number = arithmetic(negative ? tokens.slice(1) : tokens);
  if (number !== null) return { kind: 'number', value: negative ? -number : number, text };
  const dotted = tokens.length % 2 === 1 && tokens.every((t, k) => (k % 2 === 0 ? t.type === 'name' : t.text === '.'));
  if (dotted) return { kind: 'name', name: text.replace(/\s+/g, '') };
  return { kind: 'expression', text };
}

/** Parses the object literal opening at `open`; returns it and the index after its `}`, or null. */
function parseObject(tokens: readonly Token[], open: number, source: string, callee: string | null): [ObjectLiteral, number] | null {
  const properties = new Map<string, SettingValue | ObjectLiteral>();
  let k = open + 1;
  while (k < tokens.length) {
    const key = tokens[k];
    if (!key) return null;
    if (key.text === '}') return [{ line: tokens[open]?.line ?? 0, callee, properties }, k + 1];
    if (key.text === ',') {
      k++;
      continue;
    }
    // `...spread` and shorthand `{ max }` carry no literal value: skip to the next property.
    const keyName = key.type === 'name' || key.type === 'number' ? key.text : key.type === 'string' ? key.value : undefined;
    if (keyName === undefined || tokens[k + 1]?.text !== ':') {
      let depth = 0;
      while (k < tokens.length) {
        const t = tokens[k]?.text ?? '';
        if ('([{'.includes(t) && t.length === 1) depth++;
        else if (')]}'.includes(t) && t.length === 1) {
          if (depth === 0) break;
          depth--;
        } else if (t === ',' && depth === 0) break;
        k++;
      }
      if (keyName === undefined && key.text !== '...' && key.type !== 'name') return null;
      continue;
    }
    k += 2;
    if (tokens[k]?.text === '{') {
      const nested = parseObject(tokens, k, source, null);
      if (!nested) return null;
      properties.set(keyName, nested[0]);
      k = nested[1];
      continue;
    }
    const start = k;
    let depth = 0;
    while (k < tokens.length) {
      const t = tokens[k]?.text ?? '';
      if (t.length === 1 && '([{'.includes(t)) depth++;
      else if (t.length === 1 && ')]}'.includes(t)) {
        if (depth === 0) break;
        depth--;
      } else if (t === ',' && depth === 0) break;
      k++;
    }
    properties.set(keyName, valueOf(tokens.slice(start, k), source));
  }
  return null;
}

/** Tokens after which `{` starts an expression (an object), not a block. */
const EXPRESSION_BEFORE = new Set(['(', '=', ':', ',', '[', 'return', 'default', '??', '||', '&&', 'satisfies', 'as']);

/** Every object literal in expression position, outermost first. */
export function readObjectLiterals(source: string): ObjectLiteral[] {
  const tokens = tokenize(source);
  const found: ObjectLiteral[] = [];
  let k = 0;
  while (k < tokens.length) {
    const token = tokens[k];
    const before = tokens[k - 1];
    if (token?.text === '{' && before && EXPRESSION_BEFORE.has(before.text)) {
      const callee = before.text === '(' && tokens[k - 2]?.type === 'name' ? (tokens[k - 2]?.text ?? null) : null;
      const parsed = parseObject(tokens, k, source, callee);
      if (parsed) {
        found.push(parsed[0]);
        k = parsed[1];
        continue;
      }
    }
    k++;
  }
  return found;
}

/** Reads a JSON document into the same shape, so one search serves JSON and JavaScript. */
export function objectFromJson(value: unknown, line = 1): ObjectLiteral | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const properties = new Map<string, SettingValue | ObjectLiteral>();
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'number') properties.set(key, { kind: 'number', value: v, text: String(v) });
    else if (typeof v === 'boolean') properties.set(key, { kind: 'boolean', value: v });
    else if (typeof v === 'string') properties.set(key, { kind: 'string', value: v });
    else if (v === null) properties.set(key, { kind: 'none' });
    else {
      const nested = objectFromJson(v, line);
      properties.set(key, nested ?? { kind: 'expression', text: JSON.stringify(v) });
    }
  }
  return { line, callee: null, properties };
}

/** True for a nested object rather than a value. */
export function isObjectLiteral(value: SettingValue | ObjectLiteral): value is ObjectLiteral {
  return 'properties' in value;
}
