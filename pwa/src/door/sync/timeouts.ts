/*
 * How long the door app waits for the server. A foyer Wi-Fi that is connected but dead makes a
 * request without a deadline hang for minutes; with these, every wait ends and the app says why.
 */

/** Interactive calls (sign-in, the session check, a scan's confirmation, a search). */
export const INTERACTIVE_TIMEOUT_MS = 3_000;
/** One batch of queued scans: up to 500 events, on a weak uplink. */
export const SYNC_TIMEOUT_MS = 10_000;
/** A guest-list download is given up when no byte has arrived for this long. */
export const DOWNLOAD_STALL_MS = 5_000;
