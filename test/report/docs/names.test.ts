/**
 * The strategy document names every index by its shape (method, keys, INCLUDE, predicate) as the
 * dialect writes it, never by cutting the server's definition apart: a mixed-case schema and table
 * (`"Mixed Case"."Orders"`) used to come out as `Case"."Orders"`.
 */
import { expect, test } from 'vitest';
import { buildStrategy } from '../../../src/report/docs/strategy.js';
import { renderStrategyMarkdown } from '../../../src/report/docs/markdown.js';
import { makeIndex, makeResult, makeTable } from '../fixture.js';
import { columnKey } from '../../helpers/model.js';

test('a mixed-case schema and table: the index row shows the keys, not a piece of the definition', () => {
  const base = makeResult({ findings: [] });
  const index = {
    ...makeIndex('Orders', 'Orders_Customer_idx', ['Customer Id']),
    schema: 'Mixed Case',
    keys: [columnKey('Customer Id', { opclass: null, opfamily: null, ordering: { descending: true, nullsFirst: true } })],
    definition: 'CREATE INDEX "Orders_Customer_idx" ON "Mixed Case"."Orders" USING btree ("Customer Id" DESC)',
  };
  const result = {
    ...base,
    model: { ...base.model, schemas: ['Mixed Case'], tables: [{ ...makeTable('Orders'), schema: 'Mixed Case' }], indexes: [index] },
  };
  const markdown = renderStrategyMarkdown(buildStrategy(result));
  expect(markdown).toContain('| `Orders_Customer_idx` | `("Customer Id" DESC)` |');
  expect(markdown).not.toContain('Case"."Orders"');
});
