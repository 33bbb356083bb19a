import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Paths redacted wherever they appear in a log object. Request logs never carry bodies or
 * query strings in the first place; this is the second line of defence.
 */
const REDACT = [
  'token',
  '*.token',
  'password',
  '*.password',
  'cookie',
  '*.cookie',
  'authorization',
  '*.authorization',
  'headers.cookie',
  'headers.authorization',
  'headers["set-cookie"]',
  'payload',
  '*.payload',
  'smtpUrl',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: '[redacted]' },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** Strips anything after `?` so token-carrying URLs never reach a log line. */
export function pathOnly(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : url.slice(0, index);
}

/** Removes anything that looks like a raw token from free text (e.g. an SMTP error echoing a body). */
export function scrubSecrets(text: string): string {
  return text
    .replace(/token=[^&\s"']+/gi, 'token=[redacted]')
    .replace(/[A-Za-z0-9_-]{43}/g, '[redacted]').replace(/(smtps?:\/\/)[^@\s]+@/gi, '$1[redacted]@');
}
