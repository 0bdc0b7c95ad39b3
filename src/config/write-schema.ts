/**
 * `npm run schema`: writes the configuration's JSON schema to schema/dbdoctor.config.schema.json,
 * generated from the zod schema so the two never disagree (a test checks the committed file).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from './schema.js';

/** The published schema file's content. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

const here = dirname(fileURLToPath(import.meta.url));
// Run from dist/src/config/ or src/config/: the schema folder sits at the package root.
const root = here.includes(`${join('dist', 'src')}`) ? join(here, '..', '..', '..') : join(here, '..', '..');
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = join(root, 'schema', 'dbdoctor.config.schema.json');
  writeFileSync(target, configJsonSchemaText());
  process.stdout.write(`wrote ${target}\n`);
}
