import { describe, expect, it } from 'vitest';
import { MicroCache } from './micro-cache.js';

describe('MicroCache', () => {
  it('shares one load per key within the TTL, including concurrent misses', async () => {
    let clock = 0;
    let loads = 0;
    const cache = new MicroCache<number>(1_000, () => clock);
    const load = async () => (loads += 1);
    expect(await Promise.all([cache.get('a', load), cache.get('a', load), cache.get('a', load)])).toEqual([1, 1, 1]);
    clock = 999;
    expect(await cache.get('a', load)).toBe(1);
    expect(await cache.get('b', load)).toBe(2);
    clock = 1_000;
    expect(await cache.get('a', load)).toBe(3);
    expect(loads).toBe(3);
  });

  it('forgets everything on invalidate, keeps no failure, and stays bounded', async () => {
    let loads = 0;
    const cache = new MicroCache<number>(60_000, () => 0, 3);
    const load = async () => (loads += 1);
    await cache.get('a', load);
    cache.invalidate();
    expect(await cache.get('a', load)).toBe(2);
    await expect(cache.get('x', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('x', load)).toBe(3);
    for (const key of ['k1', 'k2', 'k3', 'k4']) await cache.get(key, load);
    expect(loads).toBe(7);
    expect(await cache.get('k4', load)).toBe(7);
  });

  it('is off with a TTL of zero', async () => {
    let loads = 0;
    const cache = new MicroCache<number>(0);
    await cache.get('a', async () => (loads += 1));
    await cache.get('a', async () => (loads += 1));
    expect(loads).toBe(2);
  });
});
