/**
 * The single entry point: read every query source that was given or found, and reduce the
 * statements to query patterns analyzed against the schema model.
 */
import type { Queryable } from '../dialects/types.js';
import type { SchemaModel } from '../model/types.js';
import { WorkloadBuilder } from './aggregate.js';
import { loadParser } from '../sql/ast.js';
import { addLogFile } from './log.js';
import { addQueryFile, addQueryText } from './query-file.js';
import { modelTables } from '../sql/resolve.js';
import { addStatStatements } from './stat-statements.js';
import type { Workload } from '../model/workload.js';

/** Where to read queries from. */
export interface ReadWorkloadOptions {
  /** A live database: its pg_stat_statements is read when installed (and readable). */
  readonly db?: Queryable;
  /** The schema model the queries are resolved against (tables, columns). */
  readonly model: SchemaModel;
  /** PostgreSQL log files (stderr, csvlog or jsonlog format). */
  readonly logFiles?: readonly string[];
  /** Files of SQL statements separated by semicolons (`-- calls: N` before a statement weights it). */
  readonly queryFiles?: readonly string[];
  /** SQL text given directly, as in a query file (for libraries and tests). */
  readonly queryText?: string;
}

/**
 * Reads the workload. A statement the parser rejects is reported in `unparsed`; a source that
 * cannot be read is explained in `notes`; a file that does not exist is a UserError.
 */
export async function readWorkload(options: ReadWorkloadOptions): Promise<Workload> {
  await loadParser();
  const builder = new WorkloadBuilder(modelTables(options.model));
  if (options.db) await addStatStatements(builder, options.db);
  for (const path of options.logFiles ?? []) await addLogFile(builder, path);
  for (const path of options.queryFiles ?? []) await addQueryFile(builder, path);
  if (options.queryText !== undefined) addQueryText(builder, options.queryText, 'queries');
  return builder.build();
}
