export { introspectMysql } from './introspect.js';
export { openMysqlUrl } from './connect.js';
export { withReadOnlySession, type MysqlQueryable } from './session.js';
export { parseServerVersion, featuresOf, readFeatures } from './server.js';
