/**
 * The streaming statement scanner keeps psql's boundaries whatever the chunking: a file fed one
 * byte at a time splits exactly as the file in one chunk, and each construct that can hide a `;`
 * hides it.
 */
import { expect, test } from 'vitest';
import { scanChunks } from '../../src/sources/sql/split.js';
import type { StatementPiece } from '../../src/sources/sql/scanner.js';

const SCRIPT = [
  '-- café ; not a statement',
  '\\restrict abc;def',
  "SET x = 1; SELECT E'it\\'s;', 'a''b;', \"q;\"\"x\", $f$ ; $f$, $1;",
  'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;',
  '/* a /* nested ; */ comment */ CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);',
  'COPY t (a) FROM stdin;',
  '1;2',
  '\\.x;',
  '\\.',
  'CREATE INDEX ié ON t (a);',
  'SELECT 1',
].join('\n');

async function scan(chunks: Iterable<Buffer>): Promise<StatementPiece[]> {
  const out: StatementPiece[] = [];
  for await (const piece of scanChunks(chunks)) out.push(piece);
  return out;
}

test('statements are found at psql boundaries: strings, E-strings, quoted names, dollar quotes, nested comments, parentheses, BEGIN ATOMIC, meta-commands, COPY data', async () => {
  const pieces = await scan([Buffer.from(SCRIPT)]);
  expect(pieces.map((p) => p.text)).toEqual([
    'SET x = 1;',
    "SELECT E'it\\'s;', 'a''b;', \"q;\"\"x\", $f$ ; $f$, $1;",
    'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;',
    'CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);',
    'COPY t (a) FROM stdin;',
    'CREATE INDEX ié ON t (a);',
    'SELECT 1',
  ]);
});

test('lines are counted by newline bytes and columns in characters, across skipped COPY data', async () => {
  const pieces = await scan([Buffer.from(SCRIPT)]);
  const lines = SCRIPT.split('\n');
  const lineOf = (text: string): number => lines.findIndex((l) => l.includes(text)) + 1;
  const at = (text: string): StatementPiece => pieces.find((p) => p.text.startsWith(text))!;
  expect(at('SET')).toMatchObject({ line: lineOf('SET x'), column: 1 });
  expect(at('SELECT E')).toMatchObject({ line: lineOf('SET x'), column: 'SET x = 1; '.length + 1 });
  expect(at('CREATE RULE')).toMatchObject({ line: lineOf('CREATE RULE'), column: '/* a /* nested ; */ comment */ '.length + 1 });
  expect(at('CREATE INDEX')).toMatchObject({ line: lineOf('CREATE INDEX'), column: 1 });
  const indexOffset = Buffer.byteLength(SCRIPT.slice(0, SCRIPT.indexOf('CREATE INDEX')));
  expect(at('CREATE INDEX').offset).toBe(indexOffset);
});

test('a script fed one byte at a time splits exactly as in one chunk', async () => {
  const bytes = Buffer.from(SCRIPT);
  const whole = await scan([bytes]);
  const bytewise = await scan([...bytes].map((b) => Buffer.from([b])));
  expect(bytewise).toEqual(whole);
});

test('chunks read into one reused buffer, as a file read does, split exactly as one chunk, whatever their size, a long statement spanning many of them', async () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => `(${i}, 'a;b', 'it''s ${i}')`).join(',\n');
  const script = `${SCRIPT};\nINSERT INTO t VALUES\n${rows};\nSELECT 2;`;
  const bytes = Buffer.from(script);
  const whole = await scan([bytes]);
  expect(whole.map((p) => p.text.length)).toContain(`INSERT INTO t VALUES\n${rows};`.length);
  for (const size of [1, 7, 4096, 65_536]) {
    const reused = Buffer.alloc(size);
    function* reads(): Generator<Buffer> {
      for (let at = 0; at < bytes.length; at += size) {
        const n = bytes.copy(reused, 0, at, at + size);
        yield reused.subarray(0, n);
        // The scanner's contract: once it asks for the next chunk, the last one is the reader's again.
        reused.fill(0x3b);
      }
    }
    expect(await scan(reads()), `chunks of ${size} bytes`).toEqual(whole);
  }
});
