import { ApiError } from '../../lib/api';

/*
 * Online or not, as the door sees it: the browser's flag, corrected by experience. A phone on
 * the foyer's Wi-Fi may say "online" while the server cannot be reached; a failed request marks
 * the server unreachable until the next one succeeds.
 */
class Connection {
  #browserOnline = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  #reachable = $state(true);

  readonly online = $derived(this.#browserOnline && this.#reachable);

  constructor() {
    if (typeof window === 'undefined') return;
    window.addEventListener('online', () => {
      this.#browserOnline = true;
      this.#reachable = true;
    });
    window.addEventListener('offline', () => (this.#browserOnline = false));
  }

  /** Call with the outcome of every request to the server. */
  report(outcome: 'ok' | unknown): void {
    if (outcome === 'ok') this.#reachable = true;
    else if (outcome instanceof ApiError && (outcome.status === 0 || outcome.status >= 502)) this.#reachable = false;
    else if (outcome instanceof ApiError) this.#reachable = true;
  }
}

export const connection = new Connection();
