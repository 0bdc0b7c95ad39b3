export { introspectMysql, type MysqlIntrospectOptions } from './introspect.js';
export { openMysqlUrl, parseMysqlUrl, type MysqlDatabase, type MysqlUrl } from './connect.js';
export { withReadOnlySession, DEFAULT_MYSQL_SESSION_OPTIONS, type MysqlQueryable, type MysqlSessionOptions } from './session.js';
export { parseServerVersion, featuresOf, type MysqlServer, type MysqlFeatures, type MysqlProduct } from './server.js';
export { quoteMysqlIdentifier } from './definition.js';
