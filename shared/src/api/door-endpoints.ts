import { checkInAnswerSchema, checkInCodeConfirmSchema, checkInConfirmSchema } from '../check-in-contracts.js';
import { tokenBodySchema } from '../contracts.js';
import {
  deviceRegistrationSchema,
  doorDeviceListSchema,
  doorGuestListSchema,
  doorGuestQuerySchema,
  doorPerformanceListSchema,
  manifestQuerySchema,
  nextDeviceNameSchema,
  performanceConflictsSchema,
  publicKeysSchema,
  registeredDeviceSchema,
  syncRequestSchema,
  syncResponseSchema,
} from '../door-contracts.js';
import { endpoint, other } from './endpoint.js';

/** The door app: devices, manifests, sync, online check-in. */
export const doorEndpoints = {
  'GET /api/door/keys': endpoint({
    summary: 'The public keys manifests are signed with (the active one and those retired in the last 30 days).',
    responses: { 200: publicKeysSchema },
  }),
  'GET /api/door/performances': endpoint({
    summary: 'The performances a door may scan for: from six hours ago to two weeks ahead.',
    responses: { 200: doorPerformanceListSchema },
  }),
  'GET /api/door/performances/:id/manifest': endpoint({
    summary: 'The signed guest list of a performance: full, or the changes since `since`; 304 when the ETag is unchanged.',
    query: manifestQuerySchema,
    responses: {
      /*
       * Not parsed against a zod schema: the door verifies the Ed25519 signature (headers
       * x-manifest-key-id and x-manifest-signature) over these exact bytes before reading them,
       * then checks their structure with parseManifest (shared/src/manifest.ts), which the door
       * bundle carries without zod.
       */
      200: other('application/json', 'The signed manifest (FullManifest or DeltaManifest, shared/src/manifest.ts), sent as the exact bytes signed.'),
      304: null,
    },
  }),
  'GET /api/door/performances/:id/guests': endpoint({
    summary: 'Confirmed guests of a performance found by name (at least two characters), at most 20.',
    query: doorGuestQuerySchema,
    responses: { 200: doorGuestListSchema },
  }),
  'POST /api/door/devices': endpoint({
    summary: 'Register this phone as a door device ("Door 3").',
    body: deviceRegistrationSchema,
    responses: { 201: registeredDeviceSchema },
  }),
  'GET /api/door/devices/next-name': endpoint({
    summary: 'N of the first "Door N" no active device is called, offered to a new phone.',
    responses: { 200: nextDeviceNameSchema },
  }),
  'GET /api/door/devices': endpoint({
    summary: 'Every registered door device (administrators).',
    responses: { 200: doorDeviceListSchema },
  }),
  'POST /api/door/devices/:deviceId/revoke': endpoint({
    summary: 'Revoke a door device: its next request erases its local data (administrators).',
    responses: { 204: null },
  }),
  'GET /api/door/performances/:id/conflicts': endpoint({
    summary: 'Tickets of a performance scanned twice: the scan that lost and the one that admitted.',
    responses: { 200: performanceConflictsSchema },
  }),
  'POST /api/door/sync': endpoint({
    summary: "Send a device's offline scans (idempotent by event id); answers each scan's outcome and the device's conflicts.",
    body: syncRequestSchema,
    responses: { 200: syncResponseSchema },
  }),
  'POST /api/check-ins/preview': endpoint({
    summary: 'Who a check-in token admits, without admitting them.',
    body: tokenBodySchema,
    responses: { 200: checkInAnswerSchema },
  }),
  'POST /api/check-ins/confirm': endpoint({
    summary: "Admit a scanned ticket online; with performance_id, judged for the door's performance and door window.",
    body: checkInConfirmSchema,
    responses: { 200: checkInAnswerSchema },
  }),
  'POST /api/check-ins/confirm-code': endpoint({
    summary: "Admit a reservation code typed at the door, online, for the door's performance.",
    body: checkInCodeConfirmSchema,
    responses: { 200: checkInAnswerSchema },
  }),
  'GET /api/check-ins/preview/*': endpoint({
    // A person who opened their own ticket's QR code with the camera: a redirect, no body.
    summary: "The URL inside a ticket's QR code, opened in a browser: redirects (303) to the guest's ticket page.",
    responses: { 303: null },
  }),
} as const;
