import { untrack } from 'svelte';

/**
 * Data a page loads from the API, with its loading and error state. Only the answer to the
 * latest `run` is kept: a slow answer to an old filter never overwrites a newer one.
 */
export class Resource<T> {
  data = $state<T | undefined>(undefined);
  error = $state<unknown>(undefined);
  loading = $state(false);

  #latest = 0;
  #last: (() => Promise<T>) | undefined;

  /**
   * Starts loading. Safe to call from `$effect`: only what the caller reads before calling
   * becomes a dependency, not this object's own state.
   */
  run(load: () => Promise<T>): Promise<void> {
    return untrack(() => {
      this.#last = load;
      const id = ++this.#latest;
      this.loading = true;
      this.error = undefined;
      return load().then(
        (data) => {
          if (id !== this.#latest) return;
          this.data = data;
          this.loading = false;
        },
        (error: unknown) => {
          if (id !== this.#latest) return;
          this.error = error;
          this.loading = false;
        },
      );
    });
  }

  /** Loads again with the last loader (after a change, or from a "try again" button). */
  reload(): Promise<void> {
    return this.#last ? this.run(this.#last) : Promise.resolve();
  }
}
