import { createHmac } from 'node:crypto';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import type { TicketKey } from '../env.js';

/**
 * Check-in tokens are derived, not drawn at random: token = base64url(HMAC-SHA256(key,
 * "check_in" ‖ reservation id ‖ generation)), 43 characters like every other token. The
 * database keeps only the token's hash with its generation and key id, so the server can
 * produce the *same* ticket again (resend, the mail worker, a printout) without storing it,
 * and a new generation is a new ticket (reissue: the old QR stops working).
 *
 * The separator is a NUL byte: "check_in" ‖ 12 ‖ 3 and "check_in" ‖ 123 ‖ (nothing) must not
 * meet.
 */
export class TicketKeys {
  constructor(private readonly keys: readonly TicketKey[]) {}

  /** The key that signs new tickets: the first one configured. */
  get activeId(): string {
    return this.keys[0]!.id;
  }

  has(keyId: string): boolean {
    return this.keys.some((key) => key.id === keyId);
  }

  /** The ticket's token, or undefined when its key is no longer configured (retired). */
  derive(reservationId: number, generation: number, keyId: string = this.activeId): string | undefined {
    const key = this.keys.find((candidate) => candidate.id === keyId);
    if (!key) return undefined;
    const mac = createHmac('sha256', key.secret).update(`check_in\u0000${reservationId}\u0000${generation}`, 'utf8').digest();
    return encodeBase64urlNoPadding(mac);
  }
}
