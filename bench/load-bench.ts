/**
 * `npm run bench:load`: how long loading a large pg_dump-like `.sql` file takes and how much memory
 * the process peaks at, against a baseline measured in the same run: PGlite started bare and given
 * the same DDL in one exec (no splitting, no locations, no deadline: the least a load can cost).
 * The dump also holds COPY data (which dbdoctor's loader does not load): it counts for reading the file.
 *
 * Each side runs in a child process of its own, so one's peak memory does not count for the other.
 * Environment: DBDOCTOR_BENCH_LOAD_MB (size of the generated file, default 50), DBDOCTOR_BENCH_LOAD_TABLES (default 200).
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = fileURLToPath(import.meta.url);

interface Sample {
  readonly ms: number;
  readonly rssMb: number;
  /** Tables loaded. */
  readonly rows: number;
}

/** Writes a pg_dump-like file (DDL, COPY data, constraints and indexes) and the same DDL alone; returns the table count. */
async function writeDump(path: string, ddlPath: string, megabytes: number, tables: number): Promise<number> {
  const out = createWriteStream(path);
  const write = (text: string): Promise<void> => new Promise((resolve) => (out.write(text) ? resolve() : out.once('drain', resolve)));
  const ddl: string[] = [];
  const both = async (text: string): Promise<void> => {
    ddl.push(text);
    await write(text);
  };
  await write(`-- café: a generated dump\nSET client_encoding = 'UTF8';\nSELECT pg_catalog.set_config('search_path', '', false);\n`);
  for (let t = 0; t < tables; t++) {
    await both(`CREATE TABLE public.events_${t} (id bigint NOT NULL, account_id bigint NOT NULL, kind text NOT NULL, payload text);\n`);
  }
  const perTable = (megabytes * 1024 * 1024) / tables;
  for (let t = 0; t < tables; t++) {
    await write(`COPY public.events_${t} (id, account_id, kind, payload) FROM stdin;\n`);
    for (let bytes = 0, row = 0; bytes < perTable; row++) {
      const line = `${row}\t${row % 5000}\t${row % 7 === 0 ? 'signup' : 'click'}\tpayload ${'x'.repeat(40)} ${row}\n`;
      bytes += line.length;
      await write(line);
    }
    await write('\\.\n\n');
  }
  for (let t = 0; t < tables; t++) {
    await both(`ALTER TABLE ONLY public.events_${t}\n    ADD CONSTRAINT events_${t}_pkey PRIMARY KEY (id);\n`);
    await both(`CREATE INDEX index_events_${t}_on_account_id ON public.events_${t} USING btree (account_id);\n`);
    await both(`CREATE INDEX index_events_${t}_on_account_id_and_kind ON public.events_${t} USING btree (account_id, kind);\n`);
  }
  await new Promise<void>((resolve) => out.end(resolve));
  const { writeFile } = await import('node:fs/promises');
  await writeFile(ddlPath, ddl.join(''));
  return tables;
}

/** One side, in this process (the child): prints its sample as JSON. */
async function child(mode: string, path: string): Promise<void> {
  const started = performance.now();
  const count = 'SELECT count(*)::int AS n FROM pg_class WHERE relkind = $$r$$ AND relnamespace = $$public$$::regnamespace';
  let rows: number;
  if (mode === 'load') {
    const { openSqlFile } = await import('../src/sources/sql-file.js');
    const target = await openSqlFile(path);
    rows = ((await target.db.query(count)).rows[0] as { n: number }).n;
    await target.close();
  } else {
    const { readFile } = await import('node:fs/promises');
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create();
    await db.exec(await readFile(path, 'utf8'));
    rows = ((await db.query(count)).rows[0] as { n: number }).n;
    await db.close();
  }
  const sample: Sample = { ms: performance.now() - started, rssMb: process.resourceUsage().maxRSS / 1024, rows };
  process.stdout.write(JSON.stringify(sample));
}

async function measure(mode: string, path: string): Promise<Sample> {
  const { stdout } = await run(process.execPath, [here, mode, path], { maxBuffer: 1024 * 1024 });
  return JSON.parse(stdout) as Sample;
}

async function main(): Promise<void> {
  const [mode, path] = process.argv.slice(2);
  if (mode !== undefined && path !== undefined) return child(mode, path);
  const megabytes = Number(process.env.DBDOCTOR_BENCH_LOAD_MB ?? 50);
  const tables = Number(process.env.DBDOCTOR_BENCH_LOAD_TABLES ?? 200);
  const dir = await mkdtemp(join(tmpdir(), 'dbdoctor-load-bench-'));
  try {
    const file = join(dir, 'dump.sql');
    const ddl = join(dir, 'ddl.sql');
    const rows = await writeDump(file, ddl, megabytes, tables);
    const baseline = await measure('baseline', ddl);
    const load = await measure('load', file);
    if (load.rows !== rows || baseline.rows !== rows)
      throw new Error(`tables: wrote ${rows}, loaded ${load.rows}, baseline ${baseline.rows}`);
    const line = (name: string, s: Sample): string =>
      `${name.padEnd(40)} ${(s.ms / 1000).toFixed(1).padStart(7)} s ${s.rssMb.toFixed(0).padStart(7)} MB`;
    process.stdout.write(
      [
        `${megabytes} MB .sql file: ${tables} tables, ${tables * 3} constraints and indexes, COPY data`,
        line('baseline: bare PGlite, the DDL in one exec', baseline),
        line('dbdoctor: load with locations (worker)', load),
        `ratio: time ${(load.ms / baseline.ms).toFixed(2)}x, peak memory ${(load.rssMb / baseline.rssMb).toFixed(2)}x`,
        '',
      ].join('\n'),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
