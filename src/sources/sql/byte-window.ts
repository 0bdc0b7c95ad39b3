/**
 * The bytes a streaming scanner still needs: the statement in progress and what has not been
 * scanned yet. Appending grows the storage by doubling and dropping the front moves only what is
 * kept, so a statement of any size costs time linear in its bytes however many chunks it spans
 * (concatenating the whole statement again for every chunk made one huge INSERT quadratic).
 */

/** Storage is never shrunk below this, so ordinary statements reuse one allocation. */
const MIN_CAPACITY = 64 * 1024;
const EMPTY = Buffer.alloc(0);

export class ByteWindow {
  #store: Buffer = EMPTY;
  /** Whether `view` lies in `#store` (ours) rather than in the caller's chunk. */
  #owned = false;
  /** The bytes held, from the oldest still needed. */
  view: Buffer = EMPTY;

  /** Adds a chunk at the end; with nothing held, the chunk itself is the window until {@link keepFrom}. */
  append(chunk: Buffer): Buffer {
    const used = this.view.length;
    if (used === 0) {
      this.view = chunk;
      this.#owned = false;
      return this.view;
    }
    const needed = used + chunk.length;
    if (!this.#owned || this.#store.length < needed) {
      const store = Buffer.allocUnsafe(Math.max(needed, 2 * used, MIN_CAPACITY));
      this.view.copy(store, 0);
      this.#store = store;
      this.#owned = true;
    }
    chunk.copy(this.#store, used);
    this.view = this.#store.subarray(0, needed);
    return this.view;
  }

  /**
   * Drops the bytes before `offset` and makes the rest the window's own (the caller reuses its
   * chunk's memory for the next read). Storage much larger than what is kept is given back.
   */
  keepFrom(offset: number): Buffer {
    const kept = this.view.length - offset;
    if (kept <= 0) {
      this.view = EMPTY;
      this.#owned = false;
      return this.view;
    }
    if (offset === 0 && this.#owned) return this.view;
    const capacity = Math.max(kept, MIN_CAPACITY);
    if (this.#owned && this.#store.length <= 4 * capacity) {
      this.#store.copyWithin(0, offset, this.view.length);
    } else {
      const store = Buffer.allocUnsafe(capacity);
      this.view.copy(store, 0, offset);
      this.#store = store;
      this.#owned = true;
    }
    this.view = this.#store.subarray(0, kept);
    return this.view;
  }
}
