import type { Component } from 'svelte';
import type { MessageKey } from '../lib/i18n';
import type { Params } from '../lib/router.svelte';
import AccountPage from './pages/account-page.svelte';
import AuditPage from './pages/audit-page.svelte';
import DashboardPage from './pages/dashboard-page.svelte';
import DoorDevicesPage from './pages/door-devices-page.svelte';
import DoorListPage from './pages/door-list-page.svelte';
import PerformancesPage from './pages/performances-page.svelte';
import PerformanceMessagesPage from './pages/performance-messages-page.svelte';
import ReservationPage from './pages/reservation-page.svelte';
import ReservationsPage from './pages/reservations-page.svelte';
import ShowsPage from './pages/shows-page.svelte';
import TicketPrintPage from './pages/ticket-print-page.svelte';
import UsersPage from './pages/users-page.svelte';
import VenuesPage from './pages/venues-page.svelte';
import type { Capability } from './session.svelte';

/** A page gets the route's `:name` parameters, if it wants them. */
export type PageComponent = Component<{ params: Params }> | Component<Record<string, never>>;

export interface AdminRoute {
  /** The path inside /admin, with `:name` parameters. */
  path: string;
  page: PageComponent;
  /** The document title, and the menu entry when `nav` is set. */
  title: MessageKey;
  needs: Capability;
  nav?: boolean;
}

/** First match wins. The menu lists the `nav` routes in this order. */
export const routes: readonly AdminRoute[] = [
  { path: '/', page: DashboardPage, title: 'admin.nav.dashboard', needs: 'dashboard', nav: true },
  { path: '/performances', page: PerformancesPage, title: 'admin.nav.performances', needs: 'programme.read', nav: true },
  { path: '/performances/:id/door-list', page: DoorListPage, title: 'admin.door_list.title', needs: 'reservations' },
  { path: '/performances/:id/messages', page: PerformanceMessagesPage, title: 'admin.broadcast.title', needs: 'reservations' },
  { path: '/reservations', page: ReservationsPage, title: 'admin.nav.reservations', needs: 'reservations', nav: true },
  { path: '/reservations/:id/ticket', page: TicketPrintPage, title: 'admin.ticket.title', needs: 'reservations' },
  { path: '/reservations/:id', page: ReservationPage, title: 'admin.nav.reservations', needs: 'reservations' },
  { path: '/shows', page: ShowsPage, title: 'admin.nav.shows', needs: 'programme.write', nav: true },
  { path: '/venues', page: VenuesPage, title: 'admin.nav.venues', needs: 'programme.write', nav: true },
  { path: '/users', page: UsersPage, title: 'admin.nav.users', needs: 'users', nav: true },
  // Door phones are registered under staff accounts: next to Users (and linked from it).
  { path: '/door-devices', page: DoorDevicesPage, title: 'door.admin.devices.title', needs: 'users', nav: true },
  { path: '/audit', page: AuditPage, title: 'admin.nav.audit', needs: 'audit', nav: true },
  // Linked from the header (the user's name), not from the menu.
  { path: '/account', page: AccountPage, title: 'admin.account.title', needs: 'account' },
];
