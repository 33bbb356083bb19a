import { z } from 'zod';
import { endpoint, other } from './endpoint.js';

const readinessSchema = z.strictObject({
  status: z.enum(['ready', 'not_ready']),
  ready: z.boolean(),
  database: z.enum(['ok', 'unreachable']),
  migrations: z.strictObject({ applied: z.number().int(), expected: z.number().int() }),
});

/** For the proxy, the orchestrator and API clients. */
export const opsEndpoints = {
  'GET /healthz': endpoint({
    summary: 'Liveness: the process answers.',
    responses: { 200: z.strictObject({ status: z.literal('ok') }) },
  }),
  'GET /readyz': endpoint({
    summary: 'Readiness: the database answers and its migrations are the ones this build ships.',
    responses: { 200: readinessSchema, 503: readinessSchema },
  }),
  'GET /api/openapi.json': endpoint({
    summary: 'This API as an OpenAPI 3.1 document, generated from the same declarations.',
    responses: { 200: other('application/json', 'OpenAPI 3.1 document') },
  }),
} as const;
