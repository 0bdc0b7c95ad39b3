import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Loads an optional peer dependency (prom-client, `@opentelemetry/api`) as the application sees it:
 * resolved from the application's entry script, then its working directory, then this package's own
 * folder (where npm puts a peer dependency). Never a copy of dbdoctor's own; null when not installed.
 */
export function requireFromApplication(name: string): unknown {
  const bases = [process.argv[1], `${process.cwd()}/`].filter((b): b is string => !!b).map((b) => pathToFileURL(b).href);
  for (const base of [...bases, import.meta.url]) {
    try {
      return createRequire(base)(name) as unknown;
    } catch {
      // Not resolvable from here: try the next base.
    }
  }
  return null;
}
