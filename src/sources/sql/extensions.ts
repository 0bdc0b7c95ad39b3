/**
 * The PostgreSQL extensions a dump asks for, loaded into PGlite from its contrib builds
 * (`@electric-sql/pglite/contrib/<name>`). Extensions PGlite does not ship (postgis, pg_partman,
 * timescaledb, …) cannot be loaded: their statements are skipped and reported.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Extension } from '@electric-sql/pglite';

/** Extensions built into PGlite's server itself. */
const BUILT_IN = new Set(['plpgsql']);

let shipped: ReadonlySet<string> | undefined;

/** The contrib modules this PGlite ships, by module name (`uuid_ossp`). */
function contribModules(): ReadonlySet<string> {
  if (!shipped) {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const names = readdirSync(join(dirname(entry), 'contrib')).filter((f) => f.endsWith('.js'));
    shipped = new Set(names.map((f) => f.slice(0, -'.js'.length)));
  }
  return shipped;
}

/** The module name of an extension (`uuid-ossp` → `uuid_ossp`). */
function moduleName(extension: string): string {
  return extension.replaceAll('-', '_');
}

/** Whether PGlite can run `CREATE EXTENSION name`. */
export function pgliteHasExtension(name: string): boolean {
  return BUILT_IN.has(name) || contribModules().has(moduleName(name));
}

/** The PGlite extension objects to start PGlite with, for the extensions a dump creates. */
export async function pgliteExtensions(names: Iterable<string>): Promise<Record<string, Extension>> {
  const out: Record<string, Extension> = {};
  for (const name of new Set(names)) {
    const module = moduleName(name);
    if (BUILT_IN.has(name) || !contribModules().has(module)) continue;
    const loaded = (await import(`@electric-sql/pglite/contrib/${module}`)) as Record<string, Extension>;
    const extension = loaded[module];
    if (extension) out[module] = extension;
  }
  return out;
}

/** The contrib module names (`uuid_ossp`) to start PGlite with, for the extensions a dump creates. */
export function pgliteModules(names: Iterable<string>): string[] {
  return [...new Set([...names].map(moduleName))].filter((module) => !BUILT_IN.has(module) && contribModules().has(module)).sort();
}
