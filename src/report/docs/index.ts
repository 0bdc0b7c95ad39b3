/** `dbdoctor docs`: the index-strategy document the seed audit says is missing. */
export {
  buildStrategy,
  DEFAULT_STRATEGY_OPTIONS,
  type StrategyDocument,
  type StrategyOptions,
  type TableSection,
  type IndexEntry,
} from './strategy.js';
export { renderStrategyMarkdown } from './markdown.js';
export { renderStrategyHtml } from './html.js';
export { estimateBtreeBloat, type BloatEstimate } from './bloat.js';
export { autovacuumSettings, tableMaintenance, rerunAdvice, statisticsAgeDays, type TableMaintenance } from './maintenance.js';
