/** `dbdoctor docs`: the index-strategy document the seed audit says is missing. */
export { buildStrategy, type StrategyDocument } from './strategy.js';
export { renderStrategyMarkdown } from './markdown.js';
export { renderStrategyHtml } from './html.js';
