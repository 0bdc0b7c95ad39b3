export { introspectSqlite, type SqliteIntrospectOptions } from './introspect.js';
export { openSqliteFile, isSqliteFile, sqlitePathOf, type SqliteDatabase, type OpenSqliteOptions } from './open.js';
export { quoteSqliteIdentifier, rowidIndexName } from './map-indexes.js';
