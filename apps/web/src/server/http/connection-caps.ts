// Caps on long-lived connections (terminal sockets, event streams): at most `perHolder` for one holder
// (a run, a learner, an instructor session) and `total` on the whole server. A slot is taken synchronously
// and released exactly once, so parallel opens cannot pass the cap and nothing over it is queued.

export type SlotVerdict = { ok: true; release: () => void } | { ok: false; reason: "holder" | "total" };

export class ConnectionCaps {
  readonly #held = new Map<string, number>();
  #total = 0;

  constructor(
    readonly perHolder: number,
    readonly total: number,
  ) {
    if (!Number.isInteger(perHolder) || perHolder < 1) throw new RangeError(`perHolder must be a positive integer`);
    if (!Number.isInteger(total) || total < 1) throw new RangeError(`total must be a positive integer`);
  }

  /** Takes a slot for `holder`, or says which cap is full. */
  take(holder: string): SlotVerdict {
    const held = this.#held.get(holder) ?? 0;
    if (held >= this.perHolder) return { ok: false, reason: "holder" };
    if (this.#total >= this.total) return { ok: false, reason: "total" };
    this.#held.set(holder, held + 1);
    this.#total += 1;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#total -= 1;
        const left = (this.#held.get(holder) ?? 1) - 1;
        if (left > 0) this.#held.set(holder, left);
        else this.#held.delete(holder);
      },
    };
  }

  /** Slots held by `holder`, or on the whole server. */
  count(holder?: string): number {
    return holder === undefined ? this.#total : (this.#held.get(holder) ?? 0);
  }
}
