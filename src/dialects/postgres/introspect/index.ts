export { introspectPostgres, type PostgresIntrospectOptions } from './introspect.js';
export { withReadOnlyTransaction, DEFAULT_SESSION_OPTIONS, type ReadOnlySessionOptions } from './session.js';
