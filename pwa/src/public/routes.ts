import type { Component } from 'svelte';
import type { Params } from '../lib/router.svelte';
import BookingSentPage from './pages/booking-sent-page.svelte';
import ConfirmPage from './pages/confirm-page.svelte';
import ProgrammePage from './pages/programme-page.svelte';
import ShowPage from './pages/show-page.svelte';
import TicketPage from './pages/ticket-page.svelte';
import WaitlistConfirmPage from './pages/waitlist-confirm-page.svelte';
import WaitlistOfferPage from './pages/waitlist-offer-page.svelte';

export type PageComponent = Component<{ params: Params }> | Component<Record<string, never>>;

/**
 * The pages of the public site. `/confirm`, `/ticket` and `/waitlist/*` are the links in the emails; their
 * token travels in the fragment (`#token=...`), which browsers never send to a server.
 */
export const routes: readonly { path: string; page: PageComponent }[] = [
  { path: '/', page: ProgrammePage },
  { path: '/shows/:slug', page: ShowPage },
  { path: '/booking-sent', page: BookingSentPage },
  { path: '/confirm', page: ConfirmPage },
  { path: '/ticket', page: TicketPage },
  { path: '/waitlist/confirm', page: WaitlistConfirmPage },
  { path: '/waitlist/offer', page: WaitlistOfferPage },
];
