/**
 * Hypothetical indexes with the hypopg extension. hypopg keeps them in the backend's memory, not
 * in the catalog: creating one is not a write, works inside the audit's READ ONLY transaction
 * (verified on PostgreSQL 15 with hypopg 1.3), is seen only by this connection's planner, and is
 * not undone by ROLLBACK, so every one is dropped again here and the step ends with
 * hypopg_reset().
 *
 * dbdoctor never installs hypopg: CREATE EXTENSION is a write, and an audit only reads. When the
 * extension is not installed in the audited database, proposals are reported as not verified,
 * with the reason.
 */
import type { Queryable } from '../../dialects/types.js';
import type { SchemaModel } from '../../model/types.js';
import { quoteIdent } from '../../sql/quote.js';
import type { HypotheticalSupport } from './types.js';

/** Where hypopg's functions live in the audited database. */
export interface Hypopg {
  /** `schema.` prefix for hypopg's functions, quoted. */
  readonly prefix: string;
}

/**
 * Whether hypothetical indexes can be tried on this target, and why not. `isPglite`: PGlite
 * ships no hypopg build at all; a server may have it available but not installed.
 */
export async function hypopgSupport(
  db: Queryable,
  model: SchemaModel,
  isPglite: boolean,
): Promise<{ support: HypotheticalSupport; hypopg: Hypopg | null }> {
  const installed = model.database.extensions.find((e) => e.name === 'hypopg');
  if (installed) return { support: { available: true, reason: null }, hypopg: { prefix: `${quoteIdent(installed.schema)}.` } };
  if (isPglite) {
    return {
      support: {
        available: false,
        reason: 'PGlite has no hypopg extension, so proposed indexes could not be tried with hypothetical indexes',
      },
      hypopg: null,
    };
  }
  let availableOnServer = false;
  try {
    const { rows } = await db.query("SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'");
    availableOnServer = rows.length > 0;
  } catch {
    // Not readable: say the general thing.
  }
  return {
    support: {
      available: false,
      reason: availableOnServer
        ? 'hypopg is available on the server but not installed in this database (CREATE EXTENSION hypopg; dbdoctor never writes during an audit), so proposed indexes were not verified'
        : 'hypopg is not installed (on Debian/Ubuntu: postgresql-<version>-hypopg, then CREATE EXTENSION hypopg), so proposed indexes were not verified',
    },
    hypopg: null,
  };
}

/**
 * Creates a hypothetical index from a `CREATE INDEX` statement, runs `work` with its OID (plans
 * name it `<oid>…`), and drops it again.
 */
export async function withHypotheticalIndex<T>(
  db: Queryable,
  hypopg: Hypopg,
  definition: string,
  work: (indexOid: number) => Promise<T>,
): Promise<T> {
  const { rows } = await db.query(`SELECT indexrelid FROM ${hypopg.prefix}hypopg_create_index($1)`, [definition]);
  const oid = Number((rows[0] as { indexrelid?: unknown } | undefined)?.indexrelid);
  if (!Number.isFinite(oid)) throw new Error('hypopg_create_index returned no index');
  try {
    return await work(oid);
  } finally {
    await db.query(`SELECT ${hypopg.prefix}hypopg_drop_index($1)`, [oid]);
  }
}

/** Drops every hypothetical index of this connection (also ones a failed step left behind). */
export async function resetHypothetical(db: Queryable, hypopg: Hypopg): Promise<void> {
  await db.query(`SELECT ${hypopg.prefix}hypopg_reset()`);
}

/** True when a plan's index list contains the hypothetical index with this OID. */
export function usesHypothetical(indexesUsed: readonly string[], oid: number): boolean {
  return indexesUsed.some((name) => name.startsWith(`<${oid}>`));
}
