/**
 * `npm run compare:mysql`: pt-duplicate-key-checker (percona-toolkit) and dbdoctor on the same tricky
 * MySQL/MariaDB corpus, each tool's drops with precision and recall against the corpus's answer.
 * sys.schema_redundant_indexes exists on MySQL only: skipped on MariaDB, and said so.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { MYSQL_CORPUS, MYSQL_CORPUS_DROPPABLE } from './compare-corpus.js';

/** One tool's answer on the corpus. */
export interface ToolResult {
  readonly name: string;
  /** `table.index` of every index the tool would drop (or rebuild shorter). */
  readonly drops: readonly string[];
  readonly precision: number;
  readonly recall: number;
}

function scored(name: string, drops: readonly string[]): ToolResult {
  const unique = [...new Set(drops)].sort();
  // A drop is right once per group of interchangeable indexes: dropping both of a pair is wrong.
  const hit = new Set<number>();
  let right = 0;
  for (const d of unique) {
    const group = MYSQL_CORPUS_DROPPABLE.findIndex((g) => g.includes(d));
    if (group >= 0 && !hit.has(group)) {
      hit.add(group);
      right++;
    }
  }
  return {
    name,
    drops: unique,
    precision: unique.length === 0 ? 1 : right / unique.length,
    recall: hit.size / MYSQL_CORPUS_DROPPABLE.length,
  };
}

/** The `table.index` pt-duplicate-key-checker's `ALTER TABLE … DROP INDEX …;` lines name (not its drop-and-add rebuilds). */
function ptDrops(output: string): string[] {
  return [...output.matchAll(/^ALTER TABLE `[^`]+`\.`([^`]+)` DROP INDEX `([^`]+)`;$/gm)].map((m) => `${m[1]}.${m[2]}`);
}

/** Whether `drop` is one of the corpus's droppable indexes. */
export function droppable(drop: string): boolean {
  return MYSQL_CORPUS_DROPPABLE.some((g) => g.includes(drop));
}

/** Loads the corpus into `database` on the server, runs both tools, and drops the database. */
export async function compareOnCorpus(serverUrl: string, database: string): Promise<readonly ToolResult[]> {
  const url = new URL(serverUrl);
  const connection = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    multipleStatements: true,
  });
  try {
    await connection.query(
      `DROP DATABASE IF EXISTS \`${database}\`; CREATE DATABASE \`${database}\`; USE \`${database}\`; ${MYSQL_CORPUS}`,
    );
    const pt = execFileSync(
      'pt-duplicate-key-checker',
      [`h=${url.hostname},P=${url.port || 3306},u=${decodeURIComponent(url.username) || 'root'}`, '--databases', database],
      { encoding: 'utf8', env: { ...process.env, ...(url.password ? { MYSQL_PWD: decodeURIComponent(url.password) } : {}) } },
    );
    // The built CLI, whether this module runs from dist/ (the npm script) or from the sources (the tests).
    const built = import.meta.url.includes('/dist/bench/') ? '../src/cli/main.js' : '../dist/src/cli/main.js';
    const cli = fileURLToPath(new URL(built, import.meta.url));
    const target = new URL(serverUrl);
    target.pathname = `/${database}`;
    let json: string;
    try {
      json = execFileSync(process.execPath, [cli, 'audit', target.toString(), '--format', 'json'], { encoding: 'utf8' });
    } catch (error) {
      // Exit 1 means findings; the report is on stdout all the same.
      json = (error as { stdout?: string }).stdout ?? '';
    }
    const report = JSON.parse(json) as { findings: { rule: string; table?: string; index?: string }[] };
    const dbdoctor = report.findings
      .filter((f) => f.rule === 'duplicate-index' || f.rule === 'redundant-index')
      .map((f) => `${f.table}.${f.index}`);
    return [scored('pt-duplicate-key-checker', ptDrops(pt)), scored('dbdoctor', dbdoctor)];
  } finally {
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await connection.end();
  }
}

async function main(): Promise<void> {
  const serverUrl = process.env.DBDOCTOR_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306';
  const results = await compareOnCorpus(serverUrl, `dbdoctor_compare_${process.pid}`);
  console.log('sys.schema_redundant_indexes: not run (MariaDB has no sys schema view for it; MySQL 8 only)');
  for (const tool of results) {
    console.log(`\n${tool.name}: precision ${tool.precision.toFixed(2)}, recall ${tool.recall.toFixed(2)}`);
    for (const d of tool.drops) console.log(`  drops  ${d}${droppable(d) ? '' : '   <- wrong'}`);
    for (const g of MYSQL_CORPUS_DROPPABLE.filter((e) => !e.some((d) => tool.drops.includes(d)))) console.log(`  misses ${g.join(' or ')}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
