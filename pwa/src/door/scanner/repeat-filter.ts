/**
 * A code held in front of the camera is read many times a second: it counts once. The same code
 * is ignored while it stays in view and for `quietMs` after it was last seen, so a guest who
 * keeps the phone up does not turn a green screen amber; shown again later, it is a new scan.
 */
export class RepeatFilter {
  readonly #lastSeen = new Map<string, number>();

  constructor(private readonly quietMs = 3_000) {}

  /** True when `text` should be handled now. */
  accept(text: string, now: number): boolean {
    const last = this.#lastSeen.get(text);
    this.#lastSeen.set(text, now);
    for (const [other, seen] of this.#lastSeen) if (now - seen > this.quietMs) this.#lastSeen.delete(other);
    return last === undefined || now - last > this.quietMs;
  }

  /** Staff closed the verdict by hand: the next read of the same code is a new scan. */
  forget(text: string): void {
    this.#lastSeen.delete(text);
  }
}
