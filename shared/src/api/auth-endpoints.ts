import { z } from 'zod';
import { loginAnswerSchema, loginRateLimitedDataSchema, meAnswerSchema, sessionListSchema, sessionsEndedSchema } from '../auth-contracts.js';
import { loginSchema } from '../contracts.js';
import { passwordResetConfirmResponseSchema, passwordResetConfirmSchema, passwordResetRequestSchema } from '../staff-link-contracts.js';
import { endpoint, errorBodySchema } from './endpoint.js';

/** Staff sign-in, sessions, invitations and password resets. */
export const authEndpoints = {
  'POST /api/auth/login': endpoint({
    summary: 'Sign in with email and password; sets the session cookie.',
    body: loginSchema,
    responses: {
      200: loginAnswerSchema,
      // The one error with data of its own: how long to wait, and until when the account waits.
      429: errorBodySchema.extend({ status: z.literal('rate_limited'), ...loginRateLimitedDataSchema.shape }),
    },
  }),
  'POST /api/auth/logout': endpoint({
    summary: 'End the current session (if any) and clear the cookie.',
    responses: { 204: null },
  }),
  'GET /api/auth/me': endpoint({
    summary: 'The signed-in staff member.',
    responses: { 200: meAnswerSchema },
  }),
  'GET /api/auth/sessions': endpoint({
    summary: "The caller's open sessions, with device and address.",
    responses: { 200: sessionListSchema },
  }),
  'DELETE /api/auth/sessions': endpoint({
    summary: 'Sign out everywhere else: ends every session but the current one.',
    responses: { 200: sessionsEndedSchema },
  }),
  'DELETE /api/auth/sessions/:id': endpoint({
    summary: 'End one of your own sessions.',
    responses: { 204: null },
  }),
  'POST /api/auth/password-reset': endpoint({
    summary: '"Forgot password": emails a reset link if the address is an active account; the same 202 either way.',
    body: passwordResetRequestSchema,
    responses: { 202: null },
  }),
  'POST /api/auth/password-reset/confirm': endpoint({
    summary: 'Choose a password through an invitation or reset link; ends every session of the account.',
    body: passwordResetConfirmSchema,
    responses: { 200: passwordResetConfirmResponseSchema },
  }),
  'POST /api/admin/users/:id/invitation': endpoint({
    summary: 'Admins: a new invitation email for a user who never chose a password (older links stop working).',
    responses: { 202: null },
  }),
} as const;
