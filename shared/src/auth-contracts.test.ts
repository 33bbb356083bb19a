import { describe, expect, it } from 'vitest';
import { describeUserAgent } from './auth-contracts.js';

describe('describeUserAgent', () => {
  it('names common browsers and systems in plain words', () => {
    const cases: [string, { browser: string | null; system: string | null }][] = [
      ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', { browser: 'Chrome', system: 'Android' }],
      ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', { browser: 'Safari', system: 'iPhone' }],
      ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', { browser: 'Edge', system: 'Windows' }],
      ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:133.0) Gecko/20100101 Firefox/133.0', { browser: 'Firefox', system: 'Mac' }],
      ['Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36', { browser: 'Samsung Internet', system: 'Android' }],
      ['curl/8.5.0', { browser: null, system: null }],
    ];
    for (const [ua, expected] of cases) expect(describeUserAgent(ua), ua).toEqual(expected);
    expect(describeUserAgent(null)).toEqual({ browser: null, system: null });
  });
});
