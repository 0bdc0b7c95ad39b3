/** The DDL emitter of each dialect (actions to statements); null where none exists yet. */
import type { DdlEmitter } from '../model/actions.js';
import type { Dialect } from '../model/types.js';
import { postgresEmitter } from './postgres/ddl.js';

const EMITTERS: { readonly [D in Dialect]: DdlEmitter | null } = {
  postgres: postgresEmitter,
  mysql: null,
  sqlite: null,
};

/** The emitter for a dialect, or null when dbdoctor cannot write its DDL yet. */
export function emitterFor(dialect: Dialect): DdlEmitter | null {
  return EMITTERS[dialect];
}
