import { describe, expect, it } from 'vitest';
import { availableSeats, bookableCapacity } from './availability.js';

describe('the seat rule', () => {
  const performance = { capacity: 100, additionalSeats: 10, manuallyOccupiedSeats: 5 };

  it('offers the venue, plus added seats, minus those occupied by hand', () => {
    expect(bookableCapacity(performance)).toBe(105);
    expect(bookableCapacity({ ...performance, manuallyOccupiedSeats: 200 })).toBe(0);
  });

  it('leaves what confirmed reservations and held offers do not take, never less than none', () => {
    expect(availableSeats({ ...performance, confirmedSeats: 60, heldSeats: 5 })).toBe(40);
    expect(availableSeats({ ...performance, confirmedSeats: 60 })).toBe(45);
    expect(availableSeats({ ...performance, confirmedSeats: 100, heldSeats: 10 })).toBe(0);
    expect(availableSeats({ ...performance, manuallyOccupiedSeats: 200, confirmedSeats: 3 })).toBe(0);
  });
});
