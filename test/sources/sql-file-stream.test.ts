/**
 * A large dump is loaded in bounded memory: the file is read in chunks, COPY data is passed over
 * without being kept, and the audit of a 260 MB dump is that of its DDL, with exact line numbers.
 * Peak memory is measured in a child process running the built CLI (`dbdoctor audit file.sql`):
 * two dumps with the same DDL and 10 MB vs 260 MB of COPY data must peak at nearly the same RSS.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';

const TABLES = 200;
/** Tables that hold the bulk of the COPY data, in blocks of up to 200k rows. */
const BULK_TABLES = 4;
const BLOCK_ROWS = 200_000;
const MAIN = resolve(import.meta.dirname, '../../dist/src/cli/main.js');

/** A dump written by the test, and what it should audit to. */
interface Dump {
  readonly path: string;
  readonly bytes: number;
  /** Line of the last statement: the redundant index of the last table. */
  readonly lastIndexLine: number;
}

/**
 * pg_dump's layout: tables, COPY data, then constraints and indexes. Data rows hold `;`, quotes,
 * `$$` and comment starts: were they read as SQL, statements would be cut in the wrong places.
 */
async function writeDump(path: string, dataMegabytes: number): Promise<Dump> {
  const out = createWriteStream(path);
  let lines = 0;
  const write = (text: string): Promise<void> => {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
    return new Promise((done) => (out.write(text) ? done() : out.once('drain', () => done())));
  };
  await write(`-- café: a generated dump\n\\restrict abc\nSET client_encoding = 'UTF8';\n`);
  for (let t = 0; t < TABLES; t++) {
    await write(
      `CREATE TABLE public.events_${t} (\n    id bigint NOT NULL,\n    account_id bigint NOT NULL,\n    kind text NOT NULL\n);\n`,
    );
    await write(`COMMENT ON TABLE public.events_${t} IS 'events; of ''kind'' ${t}';\n`);
  }
  const row = (n: number): string => `${n}\t${n % 5000}\tit's; $$ /* -- ${'x'.repeat(30)} ${n}\n`;
  const bulkBytes = (dataMegabytes * 1024 * 1024) / BULK_TABLES;
  for (let t = 0; t < TABLES; t++) {
    await write(`COPY public.events_${t} (id, account_id, kind) FROM stdin;\n`);
    if (t < BULK_TABLES) {
      // Rows are written a megabyte at a time: a write per row made generating the dumps most of the test's time.
      let batch = '';
      for (let bytes = 0, n = 0; bytes < bulkBytes; n++) {
        if (n > 0 && n % BLOCK_ROWS === 0) batch += `\\.\nCOPY public.events_${t} (id, account_id, kind) FROM stdin;\n`;
        const line = row(n);
        bytes += line.length;
        batch += line;
        if (batch.length > 1 << 20) {
          await write(batch);
          batch = '';
        }
      }
      await write(batch);
    } else await write(row(t));
    await write('\\.\n\n');
  }
  for (let t = 0; t < TABLES; t++) {
    await write(`ALTER TABLE ONLY public.events_${t}\n    ADD CONSTRAINT events_${t}_pkey PRIMARY KEY (id);\n`);
    await write(`CREATE INDEX events_${t}_account_kind ON public.events_${t} USING btree (account_id, kind);\n`);
    if (t < TABLES - 1) await write(`CREATE INDEX events_${t}_account ON public.events_${t} USING btree (account_id);\n`);
  }
  const lastIndexLine = lines + 1;
  await write(`CREATE INDEX events_${TABLES - 1}_account ON public.events_${TABLES - 1} USING btree (account_id);\n`);
  await new Promise<void>((done) => out.end(done));
  return { path, bytes: (await stat(path)).size, lastIndexLine };
}

interface Audit {
  readonly summary: { tables: number; indexes: number; limitations: string[] };
  readonly findings: { rule: string; index?: string; location?: { line: number } }[];
}

/** `dbdoctor audit FILE --format json` in a child process: its report and its peak RSS in bytes. */
async function auditInChild(dir: string, file: string): Promise<{ audit: Audit; maxRss: number }> {
  // Preloaded into the child: prints the process's peak RSS (worker thread included) as it exits.
  const preload = join(dir, 'max-rss.mjs');
  await writeFile(preload, `process.on('exit', () => process.stderr.write('\\nMAXRSS ' + process.resourceUsage().maxRSS * 1024));\n`);
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((done, fail) => {
    execFile(
      process.execPath,
      ['--import', preload, MAIN, 'audit', file, '--format', 'json'],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, out, err) => (error && error.code !== 1 ? fail(new Error(`${error.message}\n${err}`)) : done({ stdout: out, stderr: err })),
    );
  });
  const maxRss = Number(/MAXRSS (\d+)/.exec(stderr)?.[1]);
  return { audit: JSON.parse(stdout) as Audit, maxRss };
}

let dir: string;
let small: Dump;
let large: Dump;
/** Each dump is audited once; both tests read the runs. */
let runs: Promise<{ small: Awaited<ReturnType<typeof auditInChild>>; large: Awaited<ReturnType<typeof auditInChild>> }>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-stream-'));
  small = await writeDump(join(dir, 'small.sql'), 10);
  large = await writeDump(join(dir, 'large.sql'), 260);
  // One after the other: two PGlites at once would measure the machine, not the load.
  runs = (async () => ({ large: await auditInChild(dir, large.path), small: await auditInChild(dir, small.path) }))();
  runs.catch(() => undefined);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

test('a 260 MB dump with 200k-row COPY blocks audits to its DDL: every table and index, the last CREATE INDEX at its exact line', async () => {
  expect(large.bytes).toBeGreaterThan(260 * 1024 * 1024);
  const { audit } = (await runs).large;
  expect(audit.summary.tables).toBe(TABLES);
  expect(audit.summary.indexes).toBe(TABLES * 3);
  expect(audit.summary.limitations.filter((l) => /failed|skipped/.test(l))).toEqual([]);
  const redundant = audit.findings.filter((f) => f.rule === 'redundant-index');
  expect(redundant).toHaveLength(TABLES);
  const last = redundant.find((f) => f.index === `events_${TABLES - 1}_account`);
  expect(last?.location?.line).toBe(large.lastIndexLine);
}, 600_000);

test('peak memory does not grow with the COPY data: 250 MB more data costs less than half of it in RSS', async () => {
  const { small: a, large: b } = await runs;
  expect(a.audit.summary.indexes).toBe(b.audit.summary.indexes);
  // PGlite's own peak varies by up to ~70 MB between two runs of the same file (measured here); reading
  // the file whole would cost at least the 250 MB difference (several times that, as strings and copies).
  expect(b.maxRss - a.maxRss, `peak RSS ${a.maxRss} B for ${small.bytes} B, ${b.maxRss} B for ${large.bytes} B`).toBeLessThan(
    (large.bytes - small.bytes) / 2,
  );
}, 900_000);
