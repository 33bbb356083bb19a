import { describe, expect, it } from 'vitest';
import { allowedOrigins, InvalidEnvError, parseEnv, shouldSeedDemo } from './env.js';
import { parseDuration, parseRate } from './lib/durations.js';

describe('configuration', () => {
  it('has working defaults for a first run', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      APP_ENV: 'development',
      PORT: 8080,
      DATA_DIR: './data',
      SITE_BASE_URL: 'http://localhost:8080',
      TIME_ZONE: 'Europe/Rome',
      CONFIRMATION_TOKEN_TTL: 48 * 3_600_000,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.SMTP_URL).toBeUndefined();
    expect(env.THROTTLE_RESERVATION_CREATE).toMatchObject({ limit: 20, windowMs: 3_600_000 });
    expect(env.THROTTLE_RESERVATION_CONFIRM.limit).toBe(60);
    expect(env.THROTTLE_CHECK_IN_PREVIEW.limit).toBe(600);
    expect(env.THROTTLE_CHECK_IN_CONFIRM.limit).toBe(600);
    // Failed sign-ins per address: high enough for a venue where every phone shares one address.
    expect(env.THROTTLE_LOGIN_IP).toMatchObject({ limit: 100, windowMs: 3_600_000 });
  });

  it('no longer reads THROTTLE_LOGIN_ACCOUNT: accounts wait after failures in a row instead', () => {
    const env = parseEnv({ THROTTLE_LOGIN_ACCOUNT: '10/hour' });
    expect(env).not.toHaveProperty('THROTTLE_LOGIN_ACCOUNT');
  });

  it('rejects malformed values with the variable named', () => {
    const attempt = () => parseEnv({ THROTTLE_RESERVATION_CREATE: 'lots', PORT: 'eighty', TIME_ZONE: 'Mars/Olympus' });
    expect(attempt).toThrow(InvalidEnvError);
    try {
      attempt();
    } catch (error) {
      const issues = (error as InvalidEnvError).issues.join('\n');
      expect(issues).toContain('THROTTLE_RESERVATION_CREATE');
      expect(issues).toContain('PORT');
      expect(issues).toContain('TIME_ZONE');
    }
  });

  it('takes the box office address for Reply-To, or none', () => {
    expect(parseEnv({}).MAIL_REPLY_TO).toBeUndefined();
    expect(parseEnv({ MAIL_REPLY_TO: '' }).MAIL_REPLY_TO).toBeUndefined();
    expect(parseEnv({ MAIL_REPLY_TO: 'biglietteria@azionelab.it' }).MAIL_REPLY_TO).toBe('biglietteria@azionelab.it');
    expect(() => parseEnv({ MAIL_REPLY_TO: 'Biglietteria <biglietteria>' })).toThrow(/MAIL_REPLY_TO/);
  });

  it('refuses to start production over plain HTTP or with the console mail transport', () => {
    expect(() => parseEnv({ APP_ENV: 'production', SMTP_URL: 'smtp://mail.azionelab.it' })).toThrow(/SITE_BASE_URL/);
    expect(() => parseEnv({ APP_ENV: 'production', SITE_BASE_URL: 'https://tickets.azionelab.it' })).toThrow(/SMTP_URL/);
    expect(() =>
      parseEnv({
        APP_ENV: 'production',
        SITE_BASE_URL: 'https://tickets.azionelab.it',
        SMTP_URL: 'smtp://user:change-me@mail.azionelab.it',
      }),
    ).toThrow(/placeholder/);
    expect(() =>
      parseEnv({ APP_ENV: 'production', SITE_BASE_URL: 'https://tickets.azionelab.it', SMTP_URL: 'smtps://u:s3cret@mail.azionelab.it' }),
    ).toThrow(/MAIL_FROM/);
    const ok = parseEnv({
      APP_ENV: 'production',
      SITE_BASE_URL: 'https://tickets.azionelab.it/',
      SMTP_URL: 'smtps://u:s3cret@mail.azionelab.it',
      MAIL_FROM: 'AzioneLab <biglietti@azionelab.it>',
      TICKET_KEYS: `2026-12:${Buffer.alloc(32, 9).toString('base64')}`,
    });
    expect(ok.SITE_BASE_URL).toBe('https://tickets.azionelab.it');
  });

  it('seeds the demo admin only in development on the embedded database, unless told', () => {
    expect(shouldSeedDemo(parseEnv({}))).toBe(true);
    expect(shouldSeedDemo(parseEnv({ DATABASE_URL: 'postgres://db/azionelab' }))).toBe(false);
    expect(shouldSeedDemo(parseEnv({ APP_ENV: 'test' }))).toBe(false);
    expect(shouldSeedDemo(parseEnv({ DATABASE_URL: 'postgres://db/azionelab', SEED_DEMO: 'true' }))).toBe(true);
  });

  it('names a malformed trusted origin', () => {
    expect(() => parseEnv({ TRUSTED_ORIGINS: 'https://ok.example.it, not a url' })).toThrow(/TRUSTED_ORIGINS/);
  });

  it('trusts the site origin and the listed ones', () => {
    const env = parseEnv({ SITE_BASE_URL: 'https://tickets.azionelab.it/', TRUSTED_ORIGINS: 'https://admin.azionelab.it/, http://localhost:5173' });
    expect([...allowedOrigins(env)]).toEqual(['https://tickets.azionelab.it', 'https://admin.azionelab.it', 'http://localhost:5173']);
  });
});

describe('durations and rates', () => {
  it('parses the forms used in configuration', () => {
    expect(parseDuration('48h')).toBe(172_800_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseRate('20/hour')).toMatchObject({ limit: 20, windowMs: 3_600_000 });
    expect(parseRate('1/minute')).toMatchObject({ limit: 1, windowMs: 60_000 });
    expect(parseRate('5/10m')).toMatchObject({ limit: 5, windowMs: 600_000 });
  });

  it('lets the public read cache be turned off with 0, and nothing else be zero', () => {
    expect(parseEnv({}).PUBLIC_CACHE_TTL).toBe(1_000);
    expect(parseEnv({ PUBLIC_CACHE_TTL: '0' }).PUBLIC_CACHE_TTL).toBe(0);
    expect(parseEnv({ PUBLIC_CACHE_TTL: '0s' }).PUBLIC_CACHE_TTL).toBe(0);
    expect(() => parseEnv({ PUBLIC_CACHE_TTL: 'soon' })).toThrow(/PUBLIC_CACHE_TTL/);
    expect(() => parseEnv({ REMINDER_BEFORE: '0' })).toThrow(/REMINDER_BEFORE/);
  });

  it('rejects nonsense', () => {
    for (const bad of ['', 'h', '10', '0h', '-1h', '3 weeks']) expect(() => parseDuration(bad)).toThrow();
    for (const bad of ['', '20', '0/hour', 'x/hour', '20/fortnight']) expect(() => parseRate(bad)).toThrow();
  });
});
