import { describe, expect, it } from 'vitest';
import { doorNumberOf, nextDoorNumber } from './device-names.js';

describe('the next door name', () => {
  it('reads "Door N" and "Porta N" in any case and spacing, and nothing else', () => {
    expect(['Door 3', 'porta 3', ' DOOR3 ', 'Door #3', 'Porta  3'].map(doorNumberOf)).toEqual([3, 3, 3, 3, 3]);
    expect(['Foyer', 'Door', 'Door 3b', 'Back door 3', 'Door -1', ''].map(doorNumberOf)).toEqual([null, null, null, null, null, null]);
  });

  it('offers the smallest number no device uses, in either language', () => {
    expect(nextDoorNumber([])).toBe(1);
    expect(nextDoorNumber(['Foyer'])).toBe(1);
    expect(nextDoorNumber(['Door 1', 'Porta 2', 'Foyer'])).toBe(3);
    expect(nextDoorNumber(['Door 1', 'Door 3'])).toBe(2);
    expect(nextDoorNumber(['Door 2', 'Porta 2'])).toBe(1);
  });
});
