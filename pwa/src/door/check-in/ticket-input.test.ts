import { describe, expect, it } from 'vitest';
import { mistypedCode, readTicketInput } from './ticket-input';

const token = '-Pbt6Sgh7bGirg_KZzjT6V0ExKGogWCH6537FGtBp2c';

describe('reading what was scanned or typed', () => {
  it('takes the token from the ticket QR URL, with or without the trailing slash', () => {
    expect(readTicketInput(`http://localhost:8080/api/check-ins/preview/?token=${token}`)).toEqual({ kind: 'token', token });
    expect(readTicketInput(`https://tickets.azionelab.it/api/check-ins/preview?token=${token}&utm_source=x`)).toEqual({ kind: 'token', token });
  });

  it('takes the token from the ticket page link, and a bare token from a scanner', () => {
    expect(readTicketInput(`https://tickets.azionelab.it/ticket#token=${token}`)).toEqual({ kind: 'token', token });
    expect(readTicketInput(`  ${token}\n`)).toEqual({ kind: 'token', token });
  });

  it('reads a typed reservation code in its stored form', () => {
    expect(readTicketInput('k7qf 2m9x')).toEqual({ kind: 'code', code: 'K7QF-2M9X' });
  });

  it('refuses anything else: short tokens, other links, other schemes', () => {
    for (const text of ['', 'hello', `http://x/?token=${token.slice(1)}`, `javascript:alert(1)//?token=${token}`, 'https://example.com/']) {
      expect(readTicketInput(text)).toEqual({ kind: 'invalid' });
    }
  });
});

describe('a typed code that is not one', () => {
  it('says what is wrong with it', () => {
    expect(mistypedCode('ABCD-1234')).toEqual([{ code: 'look_alike_one', params: { characters: '1' } }]);
    expect(mistypedCode(' k7qf 2m9 ')).toEqual([{ code: 'too_short', params: { count: 7, expected: 8 } }]);
  });

  it('leaves alone codes, tickets and what was never meant as a code', () => {
    for (const text of ['K7QF-2M9X', token, `https://tickets.azionelab.it/ticket#token=${token}`, '8001234567890', 'https://example.com/', 'abc', '']) {
      expect(mistypedCode(text), text).toBeNull();
    }
  });
});
