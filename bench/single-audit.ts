/**
 * Child process of the benchmark: one audit in a fresh process, as the CLI runs it, so that its
 * peak RSS is the audit's own and not the benchmark's. Prints one JSON line on stdout.
 *
 * Usage: node --expose-gc dist/bench/single-audit.js <database url> [schema,schema…]
 */
import pg from 'pg';
import { auditPostgres } from '../src/audit/run.js';
import { heapAfterGcMb, maxRssMb } from './measure.js';

export interface SingleAuditReport {
  readonly ms: number;
  /** Peak RSS before the audit started: Node, pg and dbdoctor loaded, connected. */
  readonly rssBeforeMb: number;
  readonly maxRssMb: number;
  /** Heap in use after a full collection while the result is still held. */
  readonly heapAfterGcMb: number | null;
  readonly findings: number;
}

const [url, schemaList] = process.argv.slice(2);
if (!url) throw new Error('usage: single-audit.js <database url> [schemas]');
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  const rssBeforeMb = maxRssMb();
  const start = performance.now();
  const result = await auditPostgres(client, { kind: 'postgres', name: 'bench' }, { schemas: schemaList ? schemaList.split(',') : [] });
  const ms = performance.now() - start;
  const report: SingleAuditReport = {
    ms,
    rssBeforeMb,
    maxRssMb: maxRssMb(),
    heapAfterGcMb: heapAfterGcMb(),
    findings: result.findings.length,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  await client.end();
}
