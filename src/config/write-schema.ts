/**
 * `npm run schema`: writes the configuration's JSON schema to schema/dbdoctor.config.schema.json,
 * generated from the zod schema so the two never disagree (a test checks the committed file).
 * Run from dist/src/config/ after the build, or from src/config/ by a TypeScript runner.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchemaText } from './schema.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = here.includes(`${sep}dist${sep}`) ? join(here, '..', '..', '..') : join(here, '..', '..');
const target = join(root, 'schema', 'dbdoctor.config.schema.json');
writeFileSync(target, configJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
