/**
 * The exact reader: the application's own Python imports its models and SQLAlchemy compiles the
 * DDL (python/dbdoctor_models.py, shipped with the package). Which Python: `--python`, else the
 * first of `python3`, `python` and `/usr/bin/python3` that imports SQLAlchemy.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';

const run = promisify(execFile);

/** SQLAlchemy dialects the exact reader compiles for. */
export type ModelsDialect = 'postgresql' | 'mysql' | 'sqlite';

const compiled = z.object({
  sqlalchemy: z.string(),
  statements: z.array(z.string()),
  tables: z.array(z.string()),
  metadata: z.number(),
  failures: z.array(z.object({ module: z.string(), file: z.string(), error: z.string() }).loose()),
  /** Foreign keys whose target table no imported module defines. */
  unresolvedForeignKeys: z.array(
    z.object({
      table: z.string(),
      schema: z.string().nullable(),
      name: z.string().nullable(),
      columns: z.array(z.string()),
      references: z.array(z.string()),
    }),
  ),
});

/** What SQLAlchemy compiled. */
export type CompiledModels = z.infer<typeof compiled> & { readonly python: string };

/** The helper script: python/ at the package root, found from this module (src/ or dist/src/). */
function scriptPath(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(folder, 'python', 'dbdoctor_models.py');
    if (existsSync(candidate)) return candidate;
    folder = dirname(folder);
  }
  throw new Error('python/dbdoctor_models.py is missing from the package');
}

/** A Python that imports SQLAlchemy, or why there is none. */
export async function findPython(explicit: string | undefined): Promise<{ python: string } | { reason: string }> {
  const candidates = explicit ? [explicit] : ['python3', 'python', '/usr/bin/python3'];
  const tried: string[] = [];
  for (const python of candidates) {
    try {
      await run(python, ['-c', 'import sqlalchemy'], { timeout: 30_000 });
      return { python };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      tried.push(`${python} (${code === 'ENOENT' ? 'not found' : 'no sqlalchemy'})`);
    }
  }
  return { reason: `no Python with SQLAlchemy: tried ${tried.join(', ')}` };
}

/** Imports the models under `path` with `python` and compiles their DDL for `dialect`. */
export async function compileModels(python: string, path: string, dialect: ModelsDialect): Promise<CompiledModels> {
  const { stdout } = await run(python, [scriptPath(), path, dialect], {
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
    // Anything SQLAlchemy orders by hash comes out the same every run (the script sorts index statements too).
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0' },
  });
  return { ...compiled.parse(JSON.parse(stdout)), python };
}
