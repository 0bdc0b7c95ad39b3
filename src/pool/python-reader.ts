import type { SettingValue } from './types.js';

/**
 * A static reader of `create_engine(...)` calls in Python source: it tokenizes (strings,
 * comments, numbers, names, brackets) and reads keyword arguments whose values are literals or
 * names. Nothing is evaluated, so it works on code that needs the application's environment.
 */

interface Token {
  readonly type: 'name' | 'number' | 'string' | 'op';
  readonly text: string;
  /** Decoded value of a string token (without prefix and quotes; escapes left as written). */
  readonly value?: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
}

/** One argument of a call. `name` is null for a positional argument. */
export interface CallArgument {
  readonly name: string | null;
  readonly value: SettingValue;
  readonly line: number;
}

/** One `create_engine(...)` call found in the source. */
export interface EngineCall {
  readonly function: string;
  readonly line: number;
  readonly args: readonly CallArgument[];
}

const STRING_START = /^([rRbBuUfF]{0,2})('''|"""|'|")/;
const NUMBER = /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?)j?/;
const NAME = /^[A-Za-z_\u00c0-\uffff][\w\u00c0-\uffff]*/;
const OPERATORS = ['**=', '//=', '>>=', '<<=', '->', ':=', '==', '!=', '<=', '>=', '**', '//', '<<', '>>', '+=', '-=', '*=', '/='];

function lineAt(lines: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lines[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function stringEnd(source: string, from: number, quote: string): number {
  let i = from;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (source.startsWith(quote, i)) return i + quote.length;
    // An unterminated one-line string stops at the line end, as Python would refuse it there.
    if (ch === '\n' && quote.length === 1) return i;
    i++;
  }
  return source.length;
}

/** Splits Python source into tokens; comments and whitespace are dropped. */
export function tokenizePython(source: string): Token[] {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (ch === '#') {
      const nl = source.indexOf('\n', i);
      i = nl < 0 ? source.length : nl;
      continue;
    }
    if (/\s|\\/.test(ch)) {
      i++;
      continue;
    }
    const rest = source.slice(i, i + 200);
    const str = STRING_START.exec(rest);
    if (str && (str[1] === '' || NAME.exec(rest)?.[0] === str[1])) {
      const quote = str[2] ?? '"';
      const bodyStart = i + (str[1]?.length ?? 0) + quote.length;
      const end = stringEnd(source, bodyStart, quote);
      const body = source.slice(bodyStart, Math.max(bodyStart, end - quote.length));
      const prefix = (str[1] ?? '').toLowerCase();
      tokens.push({
        type: prefix.includes('f') ? 'op' : 'string',
        text: source.slice(i, end),
        value: body,
        start: i,
        end,
        line: lineAt(lineStarts, i),
      });
      i = end;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ type: 'name', text: name[0], start: i, end: i + name[0].length, line: lineAt(lineStarts, i) });
      i += name[0].length;
      continue;
    }
    const number = /[\d.]/.test(ch) ? NUMBER.exec(rest) : null;
    if (number && number[0] !== '.' && number[0].length > 0) {
      tokens.push({ type: 'number', text: number[0], start: i, end: i + number[0].length, line: lineAt(lineStarts, i) });
      i += number[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i)) ?? ch;
    tokens.push({ type: 'op', text: op, start: i, end: i + op.length, line: lineAt(lineStarts, i) });
    i += op.length;
  }
  return tokens;
}

function parseNumber(text: string): number | null {
  const clean = text.replace(/_/g, '');
  if (/j$/.test(clean)) return null;
  const value = /^0[xob]/i.test(clean) ? Number(clean.toLowerCase()) : Number(clean);
  return Number.isFinite(value) ? value : null;
}

/** The value of an argument's tokens, when they are one literal or name; else the source text. */
function valueOf(tokens: readonly Token[], source: string): SettingValue {
  const text = tokens.length === 0 ? '' : source.slice(tokens[0]?.start ?? 0, tokens[tokens.length - 1]?.end ?? 0);
  const [first, second] = tokens;
  if (first && tokens.every((t) => t.type === 'string')) {
    return { kind: 'string', value: tokens.map((t) => t.value ?? '').join('') };
  }
  const signed = first?.text === '-' || first?.text === '+';
  const numberToken = signed ? second : first;
  if (numberToken?.type === 'number' && tokens.length === (signed ? 2 : 1)) {
    const value = parseNumber(numberToken.text);
    if (value !== null) return { kind: 'number', value: first?.text === '-' ? -value : value, text };
  }
  if (tokens.length === 1 && first?.type === 'name') {
    if (first.text === 'True' || first.text === 'False') return { kind: 'boolean', value: first.text === 'True' };
    if (first.text === 'None') return { kind: 'none' };
  }
  const dotted = tokens.length % 2 === 1 && tokens.every((t, k) => (k % 2 === 0 ? t.type === 'name' : t.text === '.'));
  if (dotted && first) return { kind: 'name', name: text.replace(/\s+/g, '') };
  return { kind: 'expression', text: text.replace(/\s+/g, ' ').trim() };
}

/** Reads the arguments from the token after `(` to its matching `)`. */
function readArguments(tokens: readonly Token[], open: number, source: string): CallArgument[] {
  const args: CallArgument[] = [];
  let depth = 0;
  let current: Token[] = [];
  const flush = (): void => {
    if (current.length === 0) return;
    const [first, second] = current;
    const keyword = first?.type === 'name' && second?.text === '=' && current.length > 2;
    const valueTokens = keyword ? current.slice(2) : current;
    args.push({
      name: keyword ? (first?.text ?? null) : null,
      value: valueOf(valueTokens, source),
      line: (valueTokens[0] ?? first)?.line ?? 0,
    });
    current = [];
  };
  for (let k = open + 1; k < tokens.length; k++) {
    const token = tokens[k];
    if (!token) break;
    if (token.type === 'op' && '([{'.includes(token.text)) depth++;
    if (token.type === 'op' && ')]}'.includes(token.text)) {
      if (depth === 0) break;
      depth--;
    }
    if (depth === 0 && token.text === ',') flush();
    else current.push(token);
  }
  flush();
  return args;
}

const ENGINE_FUNCTIONS = new Set(['create_engine', 'create_async_engine', 'engine_from_config']);

/** Every `create_engine(...)` / `create_async_engine(...)` call in the source, in order. */
export function readEngineCalls(source: string): EngineCall[] {
  const tokens = tokenizePython(source);
  const calls: EngineCall[] = [];
  tokens.forEach((token, k) => {
    if (token.type !== 'name' || !ENGINE_FUNCTIONS.has(token.text)) return;
    if (tokens[k + 1]?.text !== '(') return;
    // `def create_engine(...)` is a definition, not a call.
    if (tokens[k - 1]?.text === 'def') return;
    calls.push({ function: token.text, line: token.line, args: readArguments(tokens, k + 1, source) });
  });
  return calls;
}
