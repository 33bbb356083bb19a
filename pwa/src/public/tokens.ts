/*
 * Tokens in the links of the emails. They travel in the fragment (`/ticket#token=...`): the
 * browser never sends it to a server, so tokens stay out of server and proxy logs.
 */

const fragmentParams = (hash: string) => new URLSearchParams(hash.replace(/^#/, ''));

/** The `token` of `#token=...`, or undefined when the link was cut short. */
export function tokenFromFragment(hash: string = window.location.hash): string | undefined {
  const token = fragmentParams(hash).get('token')?.trim();
  return token ? token : undefined;
}

/** The "I can't come" link of the reminder email (`/ticket#token=...&cancel=1`). */
export function cancelRequested(hash: string = window.location.hash): boolean {
  return fragmentParams(hash).get('cancel') === '1';
}

/** The guest scanned their own QR code with the phone's camera (the server sent them here). */
export function scannedByGuest(hash: string = window.location.hash): boolean {
  return fragmentParams(hash).get('scanned') === '1';
}

/** The check-in token inside the URL the QR code holds (`.../api/check-ins/preview/?token=...`). */
export function checkInTokenOf(qrCodeUrl: string): string | undefined {
  try {
    return new URL(qrCodeUrl).searchParams.get('token') ?? undefined;
  } catch {
    return undefined;
  }
}

/** The ticket page of a check-in token. */
export const ticketPath = (checkInToken: string) => `/ticket#token=${encodeURIComponent(checkInToken)}`;

/** The calendar file of a ticket (an `.ics` download the server builds). */
export const calendarHref = (checkInToken: string) => `/api/reservations/calendar.ics?token=${encodeURIComponent(checkInToken)}`;
