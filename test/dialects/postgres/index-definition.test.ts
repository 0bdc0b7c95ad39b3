import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { introspectPostgres } from '../../../src/dialects/postgres/introspect/index.js';
import type { SchemaModel } from '../../../src/model/types.js';
import { ENGINES, type TestDatabase } from '../../helpers/databases.js';

/**
 * Index definitions of plain-column indexes are put together client-side; every one must be
 * byte for byte what pg_get_indexdef prints, since `fix` writes it back as the way to undo a drop
 * and `apply` compares it with the live index.
 */
const SCHEMA = `
  CREATE SCHEMA "Mixed Case";
  CREATE SCHEMA "select";
  CREATE DOMAIN positive AS int CHECK (VALUE > 0);
  CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
  CREATE TABLE "Mixed Case"."Orders" (
    id bigint PRIMARY KEY,
    "User Id" int NOT NULL,
    "order" text,
    note varchar(40),
    code char(3),
    label text COLLATE "C",
    amount positive,
    tags int[],
    feeling mood,
    addr inet,
    net cidr,
    made timestamptz,
    "ünïcode" text,
    UNIQUE ("User Id", code)
  );
  CREATE INDEX "Orders_user" ON "Mixed Case"."Orders" ("User Id");
  CREATE INDEX orders_desc ON "Mixed Case"."Orders" ("User Id" DESC, made DESC NULLS LAST, id NULLS FIRST, code ASC NULLS LAST);
  CREATE INDEX orders_desc_first ON "Mixed Case"."Orders" (made DESC NULLS FIRST);
  CREATE INDEX orders_include ON "Mixed Case"."Orders" ("order") INCLUDE (note, "User Id");
  CREATE UNIQUE INDEX orders_nnd ON "Mixed Case"."Orders" (code) NULLS NOT DISTINCT;
  CREATE INDEX orders_varchar ON "Mixed Case"."Orders" (note);
  CREATE INDEX orders_bpchar ON "Mixed Case"."Orders" (code);
  CREATE INDEX orders_collated ON "Mixed Case"."Orders" (label);
  CREATE INDEX orders_recollated ON "Mixed Case"."Orders" ("order" COLLATE "C");
  CREATE INDEX orders_same_collation ON "Mixed Case"."Orders" (label COLLATE "C");
  CREATE INDEX orders_pattern ON "Mixed Case"."Orders" ("order" text_pattern_ops);
  CREATE INDEX orders_varchar_pattern ON "Mixed Case"."Orders" (note varchar_pattern_ops);
  CREATE INDEX orders_domain ON "Mixed Case"."Orders" (amount);
  CREATE INDEX orders_array ON "Mixed Case"."Orders" (tags);
  CREATE INDEX orders_enum ON "Mixed Case"."Orders" (feeling);
  CREATE INDEX orders_inet ON "Mixed Case"."Orders" (addr);
  CREATE INDEX orders_cidr ON "Mixed Case"."Orders" (net);
  CREATE INDEX orders_unicode ON "Mixed Case"."Orders" ("ünïcode");
  CREATE INDEX orders_hash ON "Mixed Case"."Orders" USING hash ("User Id");
  CREATE INDEX orders_gin ON "Mixed Case"."Orders" USING gin (tags);
  CREATE INDEX orders_brin ON "Mixed Case"."Orders" USING brin (made);
  CREATE INDEX orders_fill ON "Mixed Case"."Orders" (made) WITH (fillfactor = 80, deduplicate_items = off);
  CREATE INDEX orders_partial ON "Mixed Case"."Orders" (made) WHERE "order" IS NOT NULL;
  CREATE INDEX orders_expr ON "Mixed Case"."Orders" (lower("order"), ("User Id" + 1));
  CREATE TABLE "select"."from" ("where" int, "group" text, "Select" int);
  CREATE INDEX "index" ON "select"."from" ("where", "group", "Select");
  CREATE TABLE public.events (id bigint, at date NOT NULL, kind text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
  CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  CREATE INDEX events_kind ON public.events (kind DESC);
  CREATE INDEX events_2024_own ON public.events_2024 (kind, at);
  CREATE TABLE public.only_parent (id int, at date) PARTITION BY RANGE (at);
  CREATE INDEX only_parent_id ON ONLY public.only_parent (id);
  CREATE MATERIALIZED VIEW public.mv AS SELECT 1 AS one;
  CREATE UNIQUE INDEX mv_one ON public.mv (one);
`;

for (const engine of ENGINES) {
  describe(`index definitions on ${engine.name}`, () => {
    let database: TestDatabase;
    let model: SchemaModel;
    let expected: Map<string, string>;
    beforeAll(async () => {
      database = await engine.create();
      await database.exec(SCHEMA);
      model = await introspectPostgres(database.db);
      const { rows } = await database.db.query(
        `SELECT n.nspname AS schema, i.relname AS name, pg_get_indexdef(i.oid) AS definition
           FROM pg_class i JOIN pg_namespace n ON n.oid = i.relnamespace
          WHERE i.relkind IN ('i', 'I') AND n.nspname IN ('Mixed Case', 'select', 'public')`,
      );
      expected = new Map(
        (rows as { schema: string; name: string; definition: string }[]).map((r) => [`${r.schema}.${r.name}`, r.definition]),
      );
    });
    afterAll(async () => database.close());

    test('every index definition is exactly what pg_get_indexdef prints', () => {
      const actual = new Map(model.indexes.map((i) => [`${i.schema}.${i.name}`, i.definition]));
      expect(actual.size).toBe(expected.size);
      for (const [name, definition] of expected) expect({ name, definition: actual.get(name) }).toEqual({ name, definition });
    });

    test('the cases that matter print as the server prints them', () => {
      const def = (name: string): string => model.indexes.find((i) => i.name === name)!.definition;
      expect(def('orders_desc')).toBe(
        'CREATE INDEX orders_desc ON "Mixed Case"."Orders" USING btree ("User Id" DESC, made DESC NULLS LAST, id NULLS FIRST, code)',
      );
      expect(def('only_parent_id')).toBe('CREATE INDEX only_parent_id ON ONLY public.only_parent USING btree (id)');
      expect(def('events_kind')).toBe('CREATE INDEX events_kind ON ONLY public.events USING btree (kind DESC)');
      expect(def('index')).toBe('CREATE INDEX index ON "select"."from" USING btree ("where", "group", "Select")');
      expect(def('orders_include')).toBe(
        'CREATE INDEX orders_include ON "Mixed Case"."Orders" USING btree ("order") INCLUDE (note, "User Id")',
      );
    });
  });
}
