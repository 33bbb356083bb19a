import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { aDoorDb } from '../test/door-fixtures';

/*
 * signal() reads this phone's settings itself. The settings module is a Svelte rune module
 * (not compiled in unit tests): a plain object stands in for it; its storage is tested below.
 */
const settings = vi.hoisted(() => ({ sound: true, vibration: true }));
const oscillators = vi.hoisted(() => ({ count: 0 }));
vi.mock('../state/feedback-settings.svelte', () => ({ feedbackSettings: settings }));
vi.mock('./audio-output', () => {
  const param = { value: 0, setValueAtTime: () => {}, linearRampToValueAtTime: () => {} };
  const context = {
    currentTime: 0,
    destination: {},
    createOscillator: () => {
      oscillators.count += 1;
      return { type: 'sine', frequency: param, connect: (node: unknown) => node, start: () => {}, stop: () => {} };
    },
    createGain: () => ({ gain: param, connect: (node: unknown) => node }),
  };
  return { audioOutput: { running: () => context } };
});

const { signal } = await import('./feedback');

let vibrate: ReturnType<typeof vi.fn>;
beforeEach(() => {
  vibrate = vi.fn();
  vi.stubGlobal('navigator', { vibrate });
  oscillators.count = 0;
});
afterEach(() => vi.unstubAllGlobals());

describe('a verdict heard and felt', () => {
  it('beeps and vibrates when both are on', () => {
    Object.assign(settings, { sound: true, vibration: true });
    signal('warning');
    expect(oscillators.count).toBe(2);
    expect(vibrate).toHaveBeenCalledWith([120, 80, 120]);
  });

  it('follows each switch on its own', () => {
    Object.assign(settings, { sound: false, vibration: true });
    signal('admit');
    expect(oscillators.count).toBe(0);
    expect(vibrate).toHaveBeenCalledOnce();

    Object.assign(settings, { sound: true, vibration: false });
    vibrate.mockClear();
    signal('refuse');
    expect(oscillators.count).toBe(1);
    expect(vibrate).not.toHaveBeenCalled();
  });
});

describe('the sound and vibration switches on the device', () => {
  it('survive sign-out, like the QR reader chosen, and go with a revoked device', async () => {
    const db = aDoorDb();
    await db.setMeta('sound', false);
    await db.setMeta('vibration', false);
    await db.eraseGuestData();
    expect([await db.getMeta('sound'), await db.getMeta('vibration')]).toEqual([false, false]);
    await db.eraseEverything();
    expect([await db.getMeta('sound'), await db.getMeta('vibration')]).toEqual([undefined, undefined]);
  });
});
