import { ApiError } from '../lib/api';
import type { GuestTicket } from '../../../shared/src/contracts';
import { handOverConfirmed } from './hand-over';
import { router } from './router';
import { checkInTokenOf, ticketPath } from './tokens';

/**
 * After a confirmation or a waiting-list offer taken: the address becomes the ticket's
 * (history.replaceState), which drops the link's token from history. Back does not post it
 * again, and the ticket can be reloaded or bookmarked.
 */
export function openIssuedTicket(answer: GuestTicket): void {
  const checkInToken = checkInTokenOf(answer.qr_code_url);
  if (!checkInToken) throw new ApiError(200, 'unexpected_response', 'No check-in token in qr_code_url.');
  handOverConfirmed(checkInToken, answer);
  router.navigate(ticketPath(checkInToken), { replace: true });
}
