/**
 * A very short-lived cache for public reads ("microcaching"). When a performance goes on sale,
 * hundreds of visitors reload the programme each second; with a TTL of about a second they
 * share one database read per key, and concurrent misses share the same in-flight read. Seat
 * counts shown may lag by at most the TTL; nobody can be overbooked by that, because booking and
 * confirming count seats under the performance lock, never from here.
 *
 * `invalidate()` drops everything: the app calls it after any request that may have written,
 * so a visitor sees their own booking at once on this instance.
 */
export class MicroCache<T> {
  readonly #entries = new Map<string, { value: Promise<T>; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1_000,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const now = this.now();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    // Arbitrary keys (slugs in URLs) must not grow the map without bound.
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    const value = load();
    const entry = { value, expires: now + this.ttlMs };
    this.#entries.set(key, entry);
    // A failed read (not found, database down) is shared by the callers already waiting, not kept.
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return value;
  }

  invalidate(): void {
    this.#entries.clear();
  }
}
