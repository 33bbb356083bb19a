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

export function availableSeats(counts: SeatCounts): number {
  return Math.max(
    0,
    counts.capacity + counts.additionalSeats - counts.manuallyOccupiedSeats - counts.confirmedSeats - (counts.heldSeats ?? 0),
  );
}
