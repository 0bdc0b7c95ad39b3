type Fn = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Methods replaced on individual objects (never on a prototype, so other pools are untouched),
 * grouped by object so a closed connection can be forgotten and the rest put back on stop.
 */
export class Patches {
  private readonly undo = new Map<object, Array<() => void>>();

  has(target: object): boolean {
    return this.undo.has(target);
  }

  /** Replaces `target[key]` with `wrapper` until {@link restore}. */
  set(target: object, key: string, wrapper: Fn): void {
    const record = target as Record<string, unknown>;
    const own = Object.prototype.hasOwnProperty.call(target, key);
    const previous = record[key];
    record[key] = wrapper;
    this.onRestore(target, () => {
      // Someone wrapped after us: leave their wrapper in place rather than cut it out.
      if (record[key] !== wrapper) return;
      if (own) record[key] = previous;
      else delete record[key];
    });
  }

  /** Runs `undo` when patches are restored (removing a listener, say). */
  onRestore(target: object, undo: () => void): void {
    const list = this.undo.get(target);
    if (list) list.push(undo);
    else this.undo.set(target, [undo]);
  }

  /** Drops an object that is gone (a closed connection) without touching it. */
  forget(target: object): void {
    this.undo.delete(target);
  }

  restore(): void {
    const all = [...this.undo.values()].reverse();
    this.undo.clear();
    for (const list of all) for (const undo of list.reverse()) undo();
  }
}
