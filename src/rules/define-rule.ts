import type { Rule, RuleDocs, RuleContext, Finding, RuleId, Severity } from './types.js';

/** What a rule module declares; `docs.page` defaults to `docs/rules/<id>.md`. */
export interface RuleDefinition {
  readonly id: RuleId;
  readonly severity: Severity;
  readonly docs: Omit<RuleDocs, 'page'> & { readonly page?: string };
  check(context: RuleContext): readonly Finding[];
}

const RULE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Declares a rule. Ids are kebab-case and stable: reports, configs and docs pages use them. */
export function defineRule(definition: RuleDefinition): Rule {
  if (!RULE_ID.test(definition.id)) throw new Error(`rule id "${definition.id}" is not kebab-case`);
  return {
    id: definition.id,
    severity: definition.severity,
    docs: { description: definition.docs.description, page: definition.docs.page ?? `docs/rules/${definition.id}.md` },
    check: (context) => definition.check(context),
  };
}
