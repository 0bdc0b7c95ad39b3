export { type DbdoctorConfig } from './schema.js';
export { loadConfig } from './load.js';
