/**
 * The one thing an introspector needs from a connection: run a query with parameters and get
 * rows back. `pg.Client`, `pg.PoolClient` and PGlite all satisfy it as they are.
 */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}
