/**
 * The seeds' capacity rule, in one place:
 * available = venue capacity + additional seats − manually occupied seats − confirmed seats,
 * minus the seats held for waiting-list offers that have not been taken or lapsed yet.
 * Never negative: an admin may occupy more seats by hand than remain.
 */
export interface SeatCounts {
  capacity: number;
  additionalSeats: number;
  manuallyOccupiedSeats: number;
  confirmedSeats: number;
  /** Seats held by open waiting-list offers. */
  heldSeats?: number;
}

/** The seats the performance offers at all: the venue's, plus added ones, minus those occupied by hand. */
export function bookableCapacity(counts: Pick<SeatCounts, 'capacity' | 'additionalSeats' | 'manuallyOccupiedSeats'>): number {
  return Math.max(0, counts.capacity + counts.additionalSeats - counts.manuallyOccupiedSeats);
}

export function availableSeats(counts: SeatCounts): number {
  return Math.max(0, bookableCapacity(counts) - counts.confirmedSeats - (counts.heldSeats ?? 0));
}
