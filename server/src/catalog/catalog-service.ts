import { availableSeats } from '../../../shared/src/availability.js';
import type { PublicPerformance, PublicPerformanceDetail, PublicShow, PublicShowInfo } from '../../../shared/src/catalog-contracts.js';
import type { Db } from '../db/client.js';
import { notFound } from '../lib/errors.js';
import { MicroCache } from '../lib/micro-cache.js';
import {
  findShow,
  listPerformancesWithSeats,
  publishedPerformance,
  publishedShows,
  showIdIs,
  showSlugIs,
  upcomingOf,
  type PerformanceWithSeats,
  type ShowRow,
} from './catalog-repository.js';

/** Below this many seats the public pages say "few seats left". */
export const FEW_SEATS_THRESHOLD = 10;

/** The booking rules a visitor's form needs, from the configuration (MAX_PARTY_SIZE, CONFIRMATION_TOKEN_TTL). */
export interface BookingRules {
  maxPartySize: number;
  confirmationLinkHours: number;
}

/**
 * A date as visitors see it. A cancelled one stays on the programme, marked `cancelled`, so
 * that whoever booked it finds out there too: no seats, no booking, not "sold out" either.
 */
function performanceJson(p: PerformanceWithSeats, now: Date, rules: BookingRules): PublicPerformance {
  const cancelled = p.cancelledAt !== null;
  const available = cancelled ? 0 : availableSeats(p);
  const started = p.startsAt <= now;
  return {
    id: p.id,
    show_id: p.showId,
    venue: { id: p.venueId, name: p.venueName },
    starts_at: p.startsAt.toISOString(),
    available_seats: available,
    booking_open: p.bookingOpen && !started && !cancelled,
    sold_out: !cancelled && available === 0,
    few_seats_left: available > 0 && available <= FEW_SEATS_THRESHOLD,
    cancelled,
    max_party_size: rules.maxPartySize,
    confirmation_link_hours: rules.confirmationLinkHours,
  };
}

const showJson = (show: ShowRow): PublicShowInfo => ({
  id: show.id,
  title: show.title,
  slug: show.slug,
  description: show.description,
});

/** The public programme: published shows and their upcoming performances only, as the API answers them. */
export class CatalogService {
  readonly #cache: MicroCache<unknown>;

  /** `cacheTtlMs`: how long a public read may be served again (0: never); see MicroCache. */
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
    cacheTtlMs = 0,
    private readonly rules: BookingRules,
  ) {
    this.#cache = new MicroCache(cacheTtlMs);
  }

  /** Forget cached reads: something may have changed seats or the programme. */
  invalidate(): void {
    this.#cache.invalidate();
  }

  programme(): Promise<PublicShow[]> {
    return this.#cache.get('programme', () => this.loadProgramme()) as Promise<PublicShow[]>;
  }

  show(idOrSlug: string): Promise<PublicShow> {
    return this.#cache.get(`show:${idOrSlug}`, () => this.loadShow(idOrSlug)) as Promise<PublicShow>;
  }

  performance(id: number): Promise<PublicPerformanceDetail> {
    return this.#cache.get(`performance:${id}`, () => this.loadPerformance(id)) as Promise<PublicPerformanceDetail>;
  }

  /** One query for shows, one for all their performances: the programme page needs one API call. */
  private async loadProgramme(): Promise<PublicShow[]> {
    const now = this.now();
    const shows = await publishedShows(this.db);
    if (shows.length === 0) return [];
    const performances = await listPerformancesWithSeats(this.db, upcomingOf(shows.map((s) => s.id), now));
    return shows.map((show) => ({
      ...showJson(show),
      performances: performances.filter((p) => p.showId === show.id).map((p) => performanceJson(p, now, this.rules)),
    }));
  }

  private async loadShow(idOrSlug: string): Promise<PublicShow> {
    const now = this.now();
    const where = /^\d{1,9}$/.test(idOrSlug) ? showIdIs(Number(idOrSlug)) : showSlugIs(idOrSlug.slice(0, 200));
    const show = await findShow(this.db, where);
    if (!show?.published) throw notFound('Show not found.');
    const performances = await listPerformancesWithSeats(this.db, upcomingOf([show.id], now));
    return { ...showJson(show), performances: performances.map((p) => performanceJson(p, now, this.rules)) };
  }

  private async loadPerformance(id: number): Promise<PublicPerformanceDetail> {
    const now = this.now();
    const [performance] = await listPerformancesWithSeats(this.db, publishedPerformance(id));
    const show = performance && (await findShow(this.db, showIdIs(performance.showId)));
    // Only a show deleted between the two reads is missing: the date went with it.
    if (!performance || !show) throw notFound('Performance not found.');
    return { ...performanceJson(performance, now, this.rules), show: showJson(show) };
  }
}
