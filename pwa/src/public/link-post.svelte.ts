import { ApiError } from '../lib/api';
import { router } from './router';
import { tokenFromFragment } from './tokens';

/**
 * A page opened from an email link with its token in the fragment (`#token=...`): it POSTs the
 * token itself, so a mail scanner that fetches the link changes nothing. A refusal listed as
 * final (the link is no use any more) and, unless `keepOnSuccess`, a success remove the token
 * from the address bar and history; a refusal worth retrying (network, `rate_limited`) keeps it.
 */
export class LinkPost<T> {
  /** The token of the link, kept in memory after it leaves the address bar. */
  token = $state<string | undefined>();
  answer = $state<T | undefined>();
  /** Why the page could not go on: a refusal, or `undefined` inside for a link without token. */
  failure = $state<{ error: unknown } | undefined>();
  busy = $state(false);

  readonly #path: string;
  readonly #final: readonly string[];
  readonly #post: (token: string) => Promise<T>;
  readonly #keepOnSuccess: boolean;

  constructor(options: { path: string; final: readonly string[]; post: (token: string) => Promise<T>; keepOnSuccess?: boolean }) {
    this.#path = options.path;
    this.#final = options.final;
    this.#post = options.post;
    this.#keepOnSuccess = options.keepOnSuccess ?? false;
    this.token = tokenFromFragment();
    if (this.token) void this.#run(this.token);
    else this.failure = { error: undefined };
  }

  /** A refusal after which the link is no use any more. */
  isFinal(error: unknown): boolean {
    return error instanceof ApiError && this.#final.includes(error.code);
  }

  /** A failure after which the same link may still work. */
  get canRetry(): boolean {
    return this.failure !== undefined && this.token !== undefined && !this.isFinal(this.failure.error);
  }

  retry(): void {
    if (this.token) void this.#run(this.token);
  }

  /** Another link pasted into this tab changes only the fragment: no new page load. */
  linkChanged(): void {
    const next = tokenFromFragment();
    if (!next || next === this.token) return;
    this.token = next;
    this.answer = undefined;
    void this.#run(next);
  }

  /** A later request with the token (taking an offer) was refused: final refusals end the page. */
  fail(error: unknown): void {
    this.failure = { error };
    if (this.isFinal(error)) this.forget();
  }

  /** Takes the token out of the address bar and history. */
  forget(): void {
    window.history.replaceState(null, '', router.href(this.#path));
  }

  async #run(token: string): Promise<void> {
    this.busy = true;
    this.failure = undefined;
    try {
      this.answer = await this.#post(token);
      if (!this.#keepOnSuccess) this.forget();
    } catch (error) {
      this.fail(error);
    } finally {
      this.busy = false;
    }
  }
}
