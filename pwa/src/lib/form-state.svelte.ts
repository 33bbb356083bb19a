import { tick } from 'svelte';
import type { z } from 'zod';
import { ApiError } from './api';
import { apiFieldErrors, errorMessage, t, zodFieldErrors, type FieldErrors } from './i18n';

/** Thrown by `FormState.parse` when the input breaks a contract: caught by `submit`. */
class InvalidInput extends Error {
  constructor(readonly fieldErrors: FieldErrors) {
    super('invalid input');
  }
}

/**
 * The state of one form: errors per field, the message above the form, and whether it is
 * saving. Errors come from the shared zod contracts before sending (in the user's language)
 * and from the server after; either way focus moves to the first invalid field.
 */
export class FormState {
  errors = $state<FieldErrors>({});
  message = $state<string | undefined>(undefined);
  busy = $state(false);

  /** The fields the form shows; errors for any other (`non_field_errors`) join the message. */
  readonly #fields: readonly string[];
  readonly #describe: ((error: unknown) => string | undefined) | undefined;

  /**
   * `describe` may word a refusal for this form ("only 3 seats left for this date") better than
   * the generic `errorMessage`; returning undefined keeps the generic words.
   */
  constructor(fields: readonly string[], options: { describe?: (error: unknown) => string | undefined } = {}) {
    this.#fields = fields;
    this.#describe = options.describe;
  }

  /** Validates with a contract; throws to stop `submit` when the input is not valid. */
  parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
    const result = schema.safeParse(input);
    if (!result.success) throw new InvalidInput(zodFieldErrors(result.error));
    return result.data;
  }

  /** Adds an error the contract cannot express (two passwords that differ); throws like `parse`. */
  fail(field: string, message: string): never {
    throw new InvalidInput({ [field]: [message] });
  }

  /**
   * Stops `submit` with errors found by hand-written checks, when there are any. The public
   * site validates this way to keep zod out of its bundle (small enough for a cheap phone).
   */
  reject(errors: FieldErrors): void {
    if (Object.keys(errors).length > 0) throw new InvalidInput(errors);
  }

  async submit(form: HTMLElement | undefined, action: () => Promise<void>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.errors = {};
    this.message = undefined;
    try {
      await action();
      return true;
    } catch (error) {
      if (error instanceof InvalidInput) this.#showFieldErrors(error.fieldErrors);
      else if (error instanceof ApiError && error.code === 'validation_error' && Object.keys(error.errors).length > 0) {
        this.#showFieldErrors(apiFieldErrors(error));
      } else this.message = this.#describe?.(error) ?? errorMessage(error);
      await tick();
      form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return false;
    } finally {
      this.busy = false;
    }
  }

  #showFieldErrors(errors: FieldErrors): void {
    const shown: FieldErrors = {};
    const other: string[] = [];
    for (const [field, messages] of Object.entries(errors)) {
      if (this.#fields.includes(field)) shown[field] = messages;
      else other.push(...messages);
    }
    this.errors = shown;
    this.message = [t('common.form_has_errors'), ...other].join(' ');
  }
}
