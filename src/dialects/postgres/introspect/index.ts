export { introspectPostgres } from './introspect.js';
export { withReadOnlyTransaction } from './session.js';
