import { describe, expect, it } from 'vitest';
import { formatDateTime, zonedDateTime } from './dates.js';

describe('dates in the theatre’s time zone', () => {
  it('finds 21:00 in Rome in winter and in summer', () => {
    expect(zonedDateTime({ year: 2026, month: 12, day: 5, hour: 21 }, 'Europe/Rome').toISOString()).toBe('2026-12-05T20:00:00.000Z');
    expect(zonedDateTime({ year: 2026, month: 7, day: 5, hour: 21 }, 'Europe/Rome').toISOString()).toBe('2026-07-05T19:00:00.000Z');
  });

  it('formats for Italian and English readers', () => {
    const at = new Date('2026-12-05T20:00:00Z');
    expect(formatDateTime(at, 'it', 'Europe/Rome')).toContain('21:00');
    expect(formatDateTime(at, 'it', 'Europe/Rome')).toContain('dicembre');
    expect(formatDateTime(at, 'en', 'Europe/Rome')).toContain('December');
  });
});
