/** Where the documentation lives, for links from reports (markdown, HTML, SARIF). */
import { VERSION } from '../util/version.js';

/** The URL of a page of the package (a rule's docs page, the README), this version's copy. */
export function ruleDocsUrl(page: string): string {
  return `https://unpkg.com/dbdoctor@${VERSION}/${page}`;
}
