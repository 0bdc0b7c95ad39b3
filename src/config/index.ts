export { configSchema, configJsonSchema, configJsonSchemaText, type DbdoctorConfig, type IgnoreEntry } from './schema.js';
export { loadConfig, readConfigFile, parseConfig, expandEnv, CONFIG_FILE_NAMES, type LoadedConfig } from './load.js';
export { applyIgnores, ignoreMatches, ruleOptionsFromConfig, tableOverridesFromConfig, type SuppressedFinding } from './apply.js';
