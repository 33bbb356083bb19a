import type { Dashboard, PerformanceStats } from '../../../shared/src/dashboard-contracts.js';
import { findPerformance } from '../admin/admin-repository.js';
import { adminPerformanceJson } from '../admin/admin-service.js';
import { listPerformancesWithSeats } from '../catalog/catalog-repository.js';
import type { Db } from '../db/client.js';
import { notFound } from '../lib/errors.js';
import { arrivalsPerSlot, confirmationsPerDay, upcomingFrom } from './dashboard-repository.js';

/** What staff look at first: how full each coming performance is, and how the evening goes. */
export class DashboardService {
  constructor(
    private readonly db: Db,
    private readonly timeZone: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async overview(): Promise<Dashboard> {
    // Performances that started in the last six hours still matter: the door is open.
    const since = new Date(this.now().getTime() - 6 * 3_600_000);
    // The 50 soonest: a small theatre's next weeks; the performances page lists the rest.
    const rows = await listPerformancesWithSeats(this.db, upcomingFrom(since), 50);
    return { performances: rows.map(adminPerformanceJson) };
  }

  async stats(performanceId: number): Promise<PerformanceStats> {
    if (!(await findPerformance(this.db, performanceId))) throw notFound('Performance not found.');
    const [perDay, arrivals] = await Promise.all([
      confirmationsPerDay(this.db, performanceId, this.timeZone),
      arrivalsPerSlot(this.db, performanceId),
    ]);
    let total = 0;
    return {
      seats_over_time: perDay.map((d) => ({ date: d.date, confirmed_seats: (total += d.seats) })),
      arrivals: arrivals.map((a) => ({ at: new Date(a.at).toISOString(), seats: a.seats })),
    };
  }
}
