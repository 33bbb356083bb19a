import { adminEndpoints } from './admin-endpoints.js';
import { authEndpoints } from './auth-endpoints.js';
import { doorEndpoints } from './door-endpoints.js';
import { opsEndpoints } from './ops-endpoints.js';
import { publicEndpoints } from './public-endpoints.js';

/**
 * Every route of the API, keyed `METHOD /path` exactly as the app registers it (a test compares
 * this table with the app's routes, so neither can grow without the other).
 */
export const endpoints = {
  ...authEndpoints,
  ...publicEndpoints,
  ...doorEndpoints,
  ...adminEndpoints,
  ...opsEndpoints,
};

export type Endpoints = typeof endpoints;
export type Route = keyof Endpoints & string;
