import { describe, expect, it } from 'vitest';
import { openGuest, sealGuest } from './guest-seal.js';
import { sha256Hex } from './manifest.js';

describe('sealed guest details', () => {
  it('open with the right ticket token only', async () => {
    const token = 'A'.repeat(43);
    const blob = await sealGuest(token, { name: 'Niccolò Cerè', code: 'K7QF-2M9X' });
    expect(blob).not.toContain('Niccol');
    expect(await openGuest(token, blob)).toEqual({ name: 'Niccolò Cerè', code: 'K7QF-2M9X' });
    expect(await openGuest('B'.repeat(43), blob)).toBeNull();
    // The manifest holds the token's hash; the hash is not the key.
    expect(await openGuest(await sha256Hex(token), blob)).toBeNull();
    expect(await openGuest(token, blob.slice(0, -2) + 'xx')).toBeNull();
  });
});
