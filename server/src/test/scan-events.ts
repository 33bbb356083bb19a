import { randomUUID } from 'node:crypto';
import { hashToken } from '../lib/tokens.js';

/** One scan as a door phone reports it to `POST /api/door/sync`: by token hash, at its own clock. */
export const aScanEvent = (performanceId: number, token: string, scannedAt: Date, offsetMs = 0) => ({
  id: randomUUID(),
  performance_id: performanceId,
  token_hash: hashToken(token),
  scanned_at: scannedAt.toISOString(),
  clock_offset_ms: offsetMs,
});
