import { ApiError, request } from '../../lib/api';

/** The server's word on a scan admitted here, from `POST /api/check-ins/confirm`. */
export type ConfirmAnswer =
  | { kind: 'admitted'; name: string; at: string; by: string | null }
  | { kind: 'already_admitted'; at: string; by: string | null }
  /** Unknown, replaced or cancelled ticket: the server would not admit it. */
  | { kind: 'refused' }
  /** Offline, slow, throttled, signed out...: the device's verdict stands. */
  | { kind: 'no_answer' };

interface CheckInPreview {
  name: string;
  checked_in_at: string | null;
  checked_in_by: string | null;
}

export async function confirmOnline(token: string, signal: AbortSignal): Promise<ConfirmAnswer> {
  try {
    const answer = await request<CheckInPreview>('POST', '/api/check-ins/confirm', { body: { token }, signal });
    return { kind: 'admitted', name: answer.name, at: answer.checked_in_at ?? new Date().toISOString(), by: answer.checked_in_by };
  } catch (error) {
    if (!(error instanceof ApiError)) return { kind: 'no_answer' };
    if (error.code === 'already_checked_in') {
      const at = typeof error.data.checked_in_at === 'string' ? error.data.checked_in_at : new Date().toISOString();
      return { kind: 'already_admitted', at, by: typeof error.data.checked_in_by === 'string' ? error.data.checked_in_by : null };
    }
    if (error.code === 'invalid_token' || error.code === 'reservation_not_confirmed') return { kind: 'refused' };
    return { kind: 'no_answer' };
  }
}
