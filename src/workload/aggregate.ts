/**
 * Merges statements seen by the sources into query patterns: one per libpg-query fingerprint,
 * with the counts of the best source that counted it. A statement the parser rejects becomes
 * an {@link UnparsedStatement}, never an exception.
 */
import { createHash } from 'node:crypto';
import { fingerprintSync, normalizeSync } from 'libpg-query';
import { nodeOf, parseStatements, relationNames } from '../sql/ast.js';
import { analyzeStatement, type StatementAnalysis } from '../sql/analyze.js';
import type { ModelTables } from '../sql/resolve.js';
import type { QueryPattern, QuerySourceKind, UnparsedStatement, Workload } from '../model/workload.js';

/** One statement (or one aggregated row of statistics) as a source saw it. */
export interface Observation {
  readonly source: QuerySourceKind;
  /** File and line, or `pg_stat_statements`. */
  readonly location: string;
  readonly text: string;
  /** True when `text` has the real constants (a log line, a query file), false when already normalized. */
  readonly isExample: boolean;
  readonly calls: number | null;
  /** Total execution time of `timedCalls` executions, in ms; null when the source has no times. */
  readonly totalMs: number | null;
  readonly timedCalls: number;
  readonly rows: number | null;
  readonly sharedBlocksHit: number | null;
  readonly sharedBlocksRead: number | null;
}

/** Sources in the order their counts are trusted: cumulative statistics over logs over a file's weights. */
const SOURCE_PRIORITY: readonly QuerySourceKind[] = ['pg_stat_statements', 'log', 'file'];

/** Session and transaction housekeeping: no table access to analyze, noise in a query list. */
const IGNORED_STATEMENTS = new Set([
  'TransactionStmt',
  'VariableSetStmt',
  'VariableShowStmt',
  'DiscardStmt',
  'DeallocateStmt',
  'ListenStmt',
  'UnlistenStmt',
  'NotifyStmt',
]);

interface Counts {
  calls: number | null;
  totalMs: number | null;
  timedCalls: number;
  rows: number | null;
  hit: number | null;
  read: number | null;
}

interface Accumulator {
  readonly fingerprint: string;
  text: string;
  example: string | null;
  analysis: StatementAnalysis;
  analyzedExample: boolean;
  readonly counts: Map<QuerySourceKind, Counts>;
}

function add(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : a + b;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Collects observations and produces the workload. */
export class WorkloadBuilder {
  private readonly patterns = new Map<string, Accumulator>();
  private readonly unparsed: UnparsedStatement[] = [];
  private ignored = 0;
  private unanalyzed = 0;
  readonly notes: string[] = [];
  /** Sources that were read (even when they held no statements). */
  readonly sourcesRead = new Set<QuerySourceKind>();

  constructor(private readonly tables: ModelTables) {}

  /** Adds what a source saw; the text may hold several statements. */
  add(observation: Observation): void {
    let statements;
    try {
      statements = parseStatements(observation.text);
    } catch (error) {
      this.unparsed.push({
        source: observation.source,
        location: observation.location,
        text: observation.text,
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    for (const statement of statements) {
      const type = nodeOf(statement.node)?.[0] ?? '';
      if (IGNORED_STATEMENTS.has(type)) {
        this.ignored++;
        continue;
      }
      const text =
        statement.length === null
          ? observation.text.slice(statement.location)
          : observation.text.slice(statement.location, statement.location + statement.length);
      this.addStatement(observation, text.trim(), statement.node);
    }
  }

  /** Records a statement that could not even be split or read. */
  reject(entry: UnparsedStatement): void {
    this.unparsed.push(entry);
  }

  /** The statement's analysis; a parse tree shape the analysis trips on costs its details, not the run. */
  private analyze(node: unknown): StatementAnalysis {
    try {
      return analyzeStatement(node, this.tables);
    } catch {
      this.unanalyzed++;
      return { command: 'other', tables: [], tablesWritten: [], groups: [], columnUses: [], limit: null };
    }
  }

  private addStatement(observation: Observation, text: string, node: unknown): void {
    let fingerprint: string;
    let normalized: string;
    try {
      fingerprint = fingerprintSync(text);
      normalized = normalizeSync(text);
    } catch (error) {
      this.unparsed.push({
        source: observation.source,
        location: observation.location,
        text,
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    // libpg-query's fingerprint alone merges queries on t1 and t2 (it leaves digits in relation
    // names out): the relations named are part of the pattern's identity.
    fingerprint = createHash('sha1')
      .update(`${fingerprint}\u0000${relationNames(node).join('\u0000')}`)
      .digest('hex')
      .slice(0, 16);
    let pattern = this.patterns.get(fingerprint);
    if (!pattern) {
      pattern = {
        fingerprint,
        text: oneLine(normalized),
        example: observation.isExample ? text : null,
        analysis: this.analyze(node),
        analyzedExample: observation.isExample,
        counts: new Map(),
      };
      this.patterns.set(fingerprint, pattern);
    } else if (observation.isExample && !pattern.analyzedExample) {
      // Constants tell more than placeholders (partial-index predicates, LIKE prefixes).
      pattern.example = text;
      pattern.analysis = this.analyze(node);
      pattern.analyzedExample = true;
    }
    const counts = pattern.counts.get(observation.source) ?? {
      calls: null,
      totalMs: null,
      timedCalls: 0,
      rows: null,
      hit: null,
      read: null,
    };
    counts.calls = add(counts.calls, observation.calls);
    counts.totalMs = add(counts.totalMs, observation.totalMs);
    counts.timedCalls += observation.timedCalls;
    counts.rows = add(counts.rows, observation.rows);
    counts.hit = add(counts.hit, observation.sharedBlocksHit);
    counts.read = add(counts.read, observation.sharedBlocksRead);
    pattern.counts.set(observation.source, counts);
  }

  /** The workload, patterns ordered by total time, then calls, then text. */
  build(): Workload {
    const queries: QueryPattern[] = [...this.patterns.values()].map((p) => {
      const best = SOURCE_PRIORITY.map((s) => p.counts.get(s)).find((c) => c !== undefined && c.calls !== null) ?? null;
      const timed = SOURCE_PRIORITY.map((s) => p.counts.get(s)).find((c) => c !== undefined && c.totalMs !== null) ?? null;
      const counted = best ?? timed;
      const totalMs = counted?.totalMs ?? null;
      const timedCalls = counted?.timedCalls ?? 0;
      return {
        fingerprint: p.fingerprint,
        text: p.text,
        example: p.example,
        sources: SOURCE_PRIORITY.filter((s) => p.counts.has(s)),
        command: p.analysis.command,
        calls: best?.calls ?? null,
        totalMs,
        meanMs: totalMs !== null && timedCalls > 0 ? totalMs / timedCalls : null,
        rows: best?.rows ?? null,
        sharedBlocksHit: best?.hit ?? null,
        sharedBlocksRead: best?.read ?? null,
        tables: p.analysis.tables,
        tablesWritten: p.analysis.tablesWritten,
        columnUses: p.analysis.columnUses,
        groups: p.analysis.groups,
        limit: p.analysis.limit,
      };
    });
    // Monitoring and tooling queries (dbdoctor's own included) read only the system catalogs.
    const catalogOnly = (q: QueryPattern): boolean =>
      q.tables.length > 0 &&
      q.tables.every(
        (t) =>
          !t.inModel &&
          (t.schema === 'pg_catalog' || t.schema === 'information_schema' || (t.schema === null && t.table.startsWith('pg_'))),
      );
    const systemQueries = queries.filter(catalogOnly).length;
    queries.splice(0, queries.length, ...queries.filter((q) => !catalogOnly(q)));
    queries.sort((a, b) => (b.totalMs ?? -1) - (a.totalMs ?? -1) || (b.calls ?? -1) - (a.calls ?? -1) || a.text.localeCompare(b.text));
    const notes = [...this.notes];
    if (this.ignored > 0) notes.push(`${this.ignored} transaction-control and session statements (BEGIN, COMMIT, SET, …) ignored`);
    if (systemQueries > 0)
      notes.push(`${systemQueries} statement${systemQueries === 1 ? '' : 's'} on the system catalogs only (monitoring, tools) left out`);
    if (this.unanalyzed > 0)
      notes.push(
        `${this.unanalyzed} statement${this.unanalyzed === 1 ? '' : 's'} parsed but not analyzed (an unsupported shape): counted, without column uses`,
      );
    if (this.unparsed.length > 0)
      notes.push(
        `${this.unparsed.length} statement${this.unparsed.length === 1 ? '' : 's'} the PostgreSQL parser rejected (listed under unparsed)`,
      );
    return { sources: SOURCE_PRIORITY.filter((s) => this.sourcesRead.has(s)), queries, unparsed: [...this.unparsed], notes };
  }
}
