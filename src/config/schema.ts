/**
 * The configuration file (`dbdoctor.config.json` / `.yaml` / `.yml`), as a zod schema: the
 * single source of truth for validation and for the published JSON schema
 * (`schema/dbdoctor.config.schema.json`, written by `npm run schema`).
 */
import { z } from 'zod';
import { DEFAULT_RULE_OPTIONS } from '../rules/types.js';
import { allRules } from '../rules/index.js';

const TABLE_TYPES = ['transaction', 'log', 'junction', 'unknown'] as const;

/**
 * Every numeric rule option, optional, built from the defaults so that an option any rule adds
 * to {@link DEFAULT_RULE_OPTIONS} is accepted here (and in the JSON schema) without a change.
 */
function thresholdsSchema() {
  const shape: Record<string, z.ZodOptional<z.ZodNumber>> = {};
  for (const [key, value] of Object.entries(DEFAULT_RULE_OPTIONS)) {
    if (typeof value === 'number') shape[key] = z.number().nonnegative().optional().describe(`default ${value}`);
  }
  return z.object(shape).strict().describe('Thresholds of the rules and the table classifier; any key left out keeps its default.');
}

/** `table` or `schema.table`. */
const TABLE_NAME = /^[^.\s]+(\.[^.\s]+)?$/;

/** One rule silenced for one object, with the reason the report shows. */
const ignoreEntrySchema = z
  .object({
    // An unknown id (a typo, a rule from another tool) would silence nothing, silently: refused.
    rule: z.enum(allRules.map((r) => r.id) as [string, ...string[]]).describe('rule id, e.g. unused-index'),
    schema: z.string().min(1).optional().describe('only findings in this schema'),
    table: z.string().min(1).optional().describe('only findings on this table (name, or schema.table)'),
    index: z.string().min(1).optional().describe('only findings about this index (or constraint)'),
    subject: z.string().min(1).optional().describe('only database-wide findings about this setting or extension (monitoring-not-ready)'),
    reason: z.string().trim().min(1).describe('why it is silenced; shown in the report'),
  })
  .strict();

/** The whole configuration file. */
export const configSchema = z
  .object({
    $schema: z.string().optional().describe('URL or path of this JSON schema, for editors'),
    tables: z
      .record(z.string().regex(TABLE_NAME, 'a table name is "table" or "schema.table"'), z.enum(TABLE_TYPES))
      .optional()
      .describe('Force the type of a table ("schema.table" or "table": type).'),
    thresholds: thresholdsSchema().optional(),
    ignore: z.array(ignoreEntrySchema).optional().describe('Findings to silence: each needs a reason, which the report shows.'),
    minStatsAgeDays: z
      .number()
      .nonnegative()
      .optional()
      .describe(
        `statistics younger than this many days are not trusted to call an index unused (default ${DEFAULT_RULE_OPTIONS.minStatsAgeDays})`,
      ),
    statsSince: z
      .string()
      .refine((text) => Number.isFinite(Date.parse(text)), 'a date such as 2026-01-31 or 2026-01-31T12:00:00Z')
      .optional()
      .describe(
        'Since when the usage statistics count, when the server says they were never reset and cannot date them (e.g. the last restore or failover): an ISO date or timestamp.',
      ),
    replicas: z
      .array(z.string().min(1))
      .optional()
      .describe('postgres:// URLs of standbys whose index usage counts too; ${VAR} is replaced by the environment variable VAR.'),
  })
  .strict()
  .describe('dbdoctor configuration');

/** A validated configuration file. */
export type DbdoctorConfig = z.infer<typeof configSchema>;

/** One ignore entry. */
export type IgnoreEntry = z.infer<typeof ignoreEntrySchema>;

/** The JSON schema of the configuration file, as published in `schema/dbdoctor.config.schema.json`. */
function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input' }) as Record<string, unknown>;
  return { ...schema, title: 'dbdoctor configuration' };
}

/** The published schema file's content, exactly as `npm run schema` writes it. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
