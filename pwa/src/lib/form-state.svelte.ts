import { tick } from 'svelte';
import type { z } from 'zod';
import { ApiError } from './api';
import type { FieldError } from '../../../shared/src/field-errors';
import { apiFieldErrors, errorMessage, fieldErrorMessage, t, zodFieldErrors, type FieldMessages } from './i18n';

/** Thrown by `FormState.parse` when the input breaks a contract: caught by `submit`. */
class InvalidInput extends Error {
  constructor(readonly fieldErrors: FieldMessages) {
    super('invalid input');
  }
}

/**
 * The state of one form: errors per field, the message above the form, and whether it is
 * saving. Errors come as codes (shared/src/field-errors.ts): from the shared zod contracts or
 * hand-written checks before sending, and from the server after. The form holds them in words,
 * translated by the one `fieldErrorMessage`; either way focus moves to the first invalid field.
 */
export class FormState {
  errors = $state<FieldMessages>({});
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
    if (!result.success) throw new InvalidInput(zodFieldErrors(result.error, input));
    return result.data;
  }

  /** Adds an error no field error code expresses (two passwords that differ), in words; throws like `parse`. */
  fail(field: string, message: string): never {
    throw new InvalidInput({ [field]: [message] });
  }

  /**
   * Stops `submit` with the problems found by hand-written checks (the first of each field),
   * when there are any. The public site validates this way to keep zod out of its bundle
   * (small enough for a cheap phone); its checks report the codes the contract would.
   */
  reject(problems: Partial<Record<string, FieldError>>): void {
    const messages: FieldMessages = {};
    for (const [field, problem] of Object.entries(problems)) if (problem) messages[field] = [fieldErrorMessage(problem)];
    if (Object.keys(messages).length > 0) throw new InvalidInput(messages);
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

  #showFieldErrors(errors: FieldMessages): void {
    const shown: FieldMessages = {};
    const other: string[] = [];
    for (const [field, messages] of Object.entries(errors)) {
      if (this.#fields.includes(field)) shown[field] = messages;
      else other.push(...messages);
    }
    this.errors = shown;
    this.message = [t('common.form_has_errors'), ...other].join(' ');
  }
}
