import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/*
 * The baseline of the public-read benchmark: Hono on @hono/node-server, started the same way as
 * the real server (node --import tsx), with one route returning a constant JSON document and
 * nothing else (no middleware, no database).
 */

const programme = {
  shows: [{ id: 1, slug: 'il-giardino', title: 'Il giardino', performances: [{ id: 1, starts_at: '2026-12-01T20:30:00.000Z', available_seats: 42 }] }],
};

const app = new Hono().get('/constant', (c) => c.json(programme));
// A benchmark fixture, not the app: it has no env.ts, only the port it is given.
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }); // eslint-disable-line no-restricted-syntax
