export { introspectSqlite } from './introspect.js';
export { openSqliteFile, isSqliteFile, sqlitePathOf } from './open.js';
