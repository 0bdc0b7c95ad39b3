/**
 * `npm run bench:demo`: how long `dbdoctor audit --demo` takes and how much memory it peaks at,
 * against a bare PGlite start (`PGlite.create()` + `select 1`) measured in the same run. Each is
 * a fresh process; time is wall-clock to exit, memory the process's peak resident set (maxRSS).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
// Printed by the measured process as it exits: its peak resident set, in kilobytes.
const PROBE = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss '+process.resourceUsage().maxRSS+'\\n'))`;
const BARE = `import { PGlite } from '@electric-sql/pglite'; const db = await PGlite.create(); await db.query('select 1'); await db.close();`;

interface Sample {
  readonly ms: number;
  readonly rssMb: number;
}

function measure(args: readonly string[]): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', PROBE, ...args], { stdio: ['ignore', 'ignore', 'pipe'], cwd: process.cwd() });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const rss = /maxrss (\d+)/.exec(stderr);
      if (code !== 0 || !rss) reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
      else resolve({ ms, rssMb: Number(rss[1]) / 1024 });
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const runs = Number(process.env.BENCH_RUNS ?? 3);
const bare: Sample[] = [];
const demo: Sample[] = [];
// Interleaved, so that a busy machine slows both alike.
for (let i = 0; i < runs; i++) {
  bare.push(await measure(['--input-type=module', '-e', BARE]));
  demo.push(await measure([CLI, 'audit', '--demo', '--format', 'json', '--quiet']));
}
const row = (name: string, s: readonly Sample[]): string =>
  `${name.padEnd(28)} ${median(s.map((x) => x.ms))
    .toFixed(0)
    .padStart(7)} ms ${median(s.map((x) => x.rssMb))
    .toFixed(0)
    .padStart(6)} MB peak`;
process.stdout.write(`${row('bare PGlite start + select 1', bare)}\n${row('dbdoctor audit --demo', demo)}\n`);
const timeRatio = median(demo.map((x) => x.ms)) / median(bare.map((x) => x.ms));
const memoryRatio = median(demo.map((x) => x.rssMb)) / median(bare.map((x) => x.rssMb));
process.stdout.write(`ratio (median of ${runs}): time ${timeRatio.toFixed(2)}x, peak memory ${memoryRatio.toFixed(2)}x\n`);
