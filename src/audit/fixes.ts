/**
 * Renders the actions each rule proposed into the finding's `fix` for the audited dialect: the
 * statements that fix it, the statements that undo it (the last action's way back first), and
 * the notes of the emitter and the rule. An action that cannot be undone leaves its way back out
 * and says why, so a down migration runs to the end.
 */
import type { DdlEmitter } from '../model/actions.js';
import type { Finding, Fix } from '../rules/types.js';

/** The fix of one finding's actions, or undefined when it has none. */
export function renderFix(finding: Finding, emitter: DdlEmitter): Fix | undefined {
  const actions = finding.actions ?? [];
  if (actions.length === 0) return undefined;
  const emitted = actions.map((a) => emitter.emit(a));
  const notes = [...new Set([...emitted.flatMap((e) => e.notes), ...(finding.fixNotes ?? [])])];
  for (const e of emitted) if (e.irreversible !== null) notes.push(`Not undone: ${e.irreversible}.`);
  return {
    up: emitted.flatMap((e) => e.up.map((s) => s.sql)),
    down: [...emitted].reverse().flatMap((e) => e.down.map((s) => s.sql)),
    actions,
    transactional: !emitted.some((e) => e.outsideTransaction),
    notes,
  };
}

/** Every finding with its actions rendered into `fix`; unchanged when the dialect has no emitter. */
export function withFixes(findings: readonly Finding[], emitter: DdlEmitter | null): Finding[] {
  if (emitter === null) return [...findings];
  return findings.map((f) => {
    const fix = renderFix(f, emitter);
    return fix === undefined ? f : { ...f, fix };
  });
}
