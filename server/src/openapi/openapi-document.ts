import { z } from 'zod';
import { errorBodySchema, isOtherContent, pathParameters, splitRoute, type AnswerSpec, type Endpoint } from '../../../shared/src/api/endpoint.js';
import { endpoints, type Route } from '../../../shared/src/api/endpoints.js';

/*
 * /api/openapi.json, generated from the route declarations in shared/src/api/ (the same ones
 * that type the handlers and the apps' client and that every API test checks answers against),
 * so the document cannot describe an API other than the one running.
 */

type JsonSchema = Record<string, unknown>;

/** zod → JSON Schema; what JSON cannot express (a transform) becomes "any" rather than an error. */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  return rest;
};

const STATUS_WORDS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No content',
  302: 'Redirect',
  303: 'See other',
  304: 'Not modified',
  503: 'Not ready',
};

function answer(status: number, spec: AnswerSpec) {
  if (spec === null) return { description: STATUS_WORDS[status] ?? 'No content' };
  if (isOtherContent(spec)) return { description: spec.description, content: { [spec.content]: {} } };
  return { description: STATUS_WORDS[status] ?? String(status), content: { 'application/json': { schema: jsonSchema(spec, 'output') } } };
}

/** Query parameters from the query schema's top-level fields. */
function queryParameters(query: z.ZodType | undefined) {
  if (!query) return [];
  const schema = jsonSchema(query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    schema: property,
  }));
}

function operation(route: Route, spec: Endpoint) {
  const { path } = splitRoute(route);
  const parameters = [
    ...pathParameters(path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...queryParameters(spec.query),
  ];
  return {
    operationId: route,
    summary: spec.summary,
    ...(parameters.length > 0 && { parameters }),
    ...(spec.body && { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } }),
    responses: {
      ...Object.fromEntries(Object.entries(spec.responses).map(([status, answerSpec]) => [status, answer(Number(status), answerSpec as AnswerSpec)])),
      default: { description: 'An error: a stable code in `status`', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  };
}

/** `/api/shows/:idOrSlug` → `/api/shows/{idOrSlug}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\*$/, '{wildcard}');

export function openApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of Object.keys(endpoints) as Route[]) {
    const { method, path } = splitRoute(route);
    (paths[openApiPath(path)] ??= {})[method.toLowerCase()] = operation(route, endpoints[route]);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'AzioneLab Tickets API',
      version,
      description: 'Free reservations and door check-in. Errors, field error codes and rules: docs/api.md.',
    },
    paths,
    components: {
      schemas: { Error: jsonSchema(errorBodySchema, 'output') },
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'azionelab_session' } },
    },
  };
}
