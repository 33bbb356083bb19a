import { z } from 'zod';
import { emailSchema, passwordSchema, tokenBodySchema } from './contracts.js';
import { USER_ROLES } from './statuses.js';

/*
 * Staff links: an invitation to choose a first password, and a password reset. Both end at the
 * admin's /admin/set-password page, which confirms with the same request.
 */

export const passwordResetRequestSchema = z.strictObject({ email: emailSchema });

export const passwordResetConfirmSchema = z.strictObject({
  token: tokenBodySchema.shape.token,
  password: passwordSchema.shape.password,
});

/** The answer to a confirmed link: who can now sign in (the page offers the right sign-in). */
export const passwordResetConfirmResponseSchema = z.strictObject({
  email: z.string(),
  role: z.enum(USER_ROLES),
});
export type PasswordResetConfirmResponse = z.infer<typeof passwordResetConfirmResponseSchema>;

/** The invitation and reset links are valid this long (the rule). */
export const STAFF_LINK_TTL_HOURS = 48;
