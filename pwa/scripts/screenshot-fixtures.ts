/*
 * Example answers shaped like the staff API contract, for screenshots taken before (or
 * without) a server that has every endpoint. Dates are relative to today, so the dashboard
 * always shows upcoming performances.
 */

const DAY = 86_400_000;
const today = new Date();
today.setUTCHours(0, 0, 0, 0);

/** A UTC instant `days` from today at Rome's `hour`:`minute` (Rome is UTC+1 in winter). */
const at = (days: number, hour: number, minute = 0) => new Date(today.getTime() + days * DAY + (hour - 1) * 3_600_000 + minute * 60_000).toISOString();
const day = (days: number) => new Date(today.getTime() + days * DAY).toISOString().slice(0, 10);

const venues = [
  { id: 1, name: 'Sala Grande', capacity: 80 },
  { id: 2, name: 'Sala Piccola', capacity: 40 },
];

const shows = [
  { id: 1, title: 'Il giardino dei ciliegi', slug: 'il-giardino-dei-ciliegi', description: 'Čechov riletto dalla compagnia di AzioneLab: una famiglia, una casa, un giardino da salvare.', published: true },
  { id: 2, title: 'Clown in libertà', slug: 'clown-in-liberta', description: 'Teatro fisico e improvvisazione per tutte le età.', published: true },
  { id: 3, title: 'Le serve', slug: 'le-serve', description: 'Genet, due sorelle e un gioco pericoloso. Prove aperte a gennaio.', published: false },
];

const performances = [
  { id: 1, show_id: 1, venue_id: 1, starts_at: at(0, 21), additional_seats: 4, manually_occupied_seats: 2, booking_open: true, confirmed_seats: 71, pending_seats: 6, checked_in_seats: 38 },
  { id: 2, show_id: 2, venue_id: 1, starts_at: at(3, 17), additional_seats: 0, manually_occupied_seats: 0, booking_open: true, confirmed_seats: 44, pending_seats: 9, checked_in_seats: 0 },
  { id: 3, show_id: 1, venue_id: 1, starts_at: at(5, 21), additional_seats: 0, manually_occupied_seats: 4, booking_open: true, confirmed_seats: 23, pending_seats: 3, checked_in_seats: 0 },
  { id: 4, show_id: 2, venue_id: 2, starts_at: at(10, 17), additional_seats: 0, manually_occupied_seats: 0, booking_open: false, confirmed_seats: 12, pending_seats: 0, checked_in_seats: 0 },
].map((p) => {
  const venue = venues.find((v) => v.id === p.venue_id)!;
  const capacity = venue.capacity;
  return {
    ...p,
    show_title: shows.find((s) => s.id === p.show_id)!.title,
    venue_name: venue.name,
    capacity,
    available_seats: Math.max(0, capacity + p.additional_seats - p.manually_occupied_seats - p.confirmed_seats),
  };
});

const names = [
  'Maria Rossi', 'Giulia Bianchi', 'Luca Ferrari', 'Francesca Romano', 'Marco Colombo', 'Chiara Ricci', 'Alessandro Marino',
  'Sara Greco', 'Davide Bruno', 'Elena Gallo', 'Matteo Conti', 'Valentina De Luca', 'Simone Mancini', 'Anna Costa',
  'Paolo Giordano', 'Martina Rizzo', 'Andrea Lombardi', 'Federica Moretti', 'Stefano Barbieri', 'Laura Fontana',
  'Roberto Santoro', 'Ilaria Mariani', 'Giorgio Rinaldi', 'Silvia Caruso', 'Tommaso Ferri', 'Beatrice Galli',
];

const reservations = names.map((name, index) => {
  const status = index % 9 === 4 ? 'pending' : index % 13 === 7 ? 'cancelled' : 'confirmed';
  const created = at(-12 + (index % 11), 10 + (index % 9), (index * 7) % 60);
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.it`;
  return {
    id: index + 1,
    performance_id: 1,
    name,
    email,
    phone: index % 3 === 0 ? `+39 06 ${5550100 + index}` : null,
    notes: index === 2 ? 'Sedia a rotelle: posto in prima fila' : index === 6 ? 'Arriva dopo l’inizio' : null,
    party_size: 1 + (index % 4),
    status,
    source: index % 5 === 1 ? 'admin' : 'public',
    created_at: created,
    confirmed_at: status === 'confirmed' ? new Date(Date.parse(created) + 3_600_000).toISOString() : null,
    cancelled_at: status === 'cancelled' ? at(-1, 9) : null,
    checked_in_at: status === 'confirmed' && index % 2 === 0 ? at(0, 20, 10 + index) : null,
  };
});

const users = [
  { id: 1, email: 'admin@azionelab.local', display_name: 'Demo admin', role: 'admin', active: true, created_at: at(-60, 9) },
  { id: 2, email: 'programma@azionelab.local', display_name: 'Caterina Neri', role: 'content', active: true, created_at: at(-40, 11) },
  { id: 3, email: 'biglietteria@azionelab.local', display_name: 'Piero Villa', role: 'box_office', active: true, created_at: at(-40, 11, 5) },
  { id: 4, email: 'ingresso@azionelab.local', display_name: 'Nadia Serra', role: 'door', active: true, created_at: at(-20, 15) },
  { id: 5, email: 'ex.staff@azionelab.local', display_name: 'Ugo Testa', role: 'box_office', active: false, created_at: at(-90, 10) },
];

function page<T>(items: T[], query: URLSearchParams) {
  const pageNumber = Number(query.get('page') ?? 1);
  const size = Number(query.get('page_size') ?? 25);
  return { items: items.slice((pageNumber - 1) * size, pageNumber * size), total: items.length, page: pageNumber, page_size: size };
}

function stats(id: number) {
  const p = performances.find((x) => x.id === id);
  if (!p) return undefined;
  const days = 14;
  const seats_over_time = Array.from({ length: days }, (_, i) => ({
    date: day(i - days + 1),
    confirmed_seats: Math.round(p.confirmed_seats * Math.pow((i + 1) / days, 1.6)),
  }));
  const arrivals = p.checked_in_seats > 0 ? [3, 7, 12, 9, 5, 2].map((seats, i) => ({ at: at(0, 20, i * 10), seats })) : [];
  return { seats_over_time, arrivals };
}

export function fixtureFor(method: string, url: URL): { status?: number; body: unknown } | undefined {
  if (method !== 'GET') return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  const query = url.searchParams;
  let match: RegExpExecArray | null;
  if (path === '/api/admin/dashboard') {
    return {
      body: {
        performances: performances
          .filter((p) => p.id !== 4)
          .map((p) => ({
            id: p.id,
            show_title: p.show_title,
            venue_name: p.venue_name,
            starts_at: p.starts_at,
            capacity_total: p.capacity + p.additional_seats - p.manually_occupied_seats,
            confirmed_seats: p.confirmed_seats,
            pending_seats: p.pending_seats,
            available_seats: p.available_seats,
            checked_in_seats: p.checked_in_seats,
          })),
      },
    };
  }
  if ((match = /^\/api\/admin\/performances\/(\d+)\/stats$/.exec(path))) return { body: stats(Number(match[1])) };
  if ((match = /^\/api\/admin\/performances\/(\d+)$/.exec(path))) return { body: performances.find((p) => p.id === Number(match![1])) };
  if (path === '/api/admin/performances') {
    const showId = query.get('show_id');
    return { body: performances.filter((p) => !showId || p.show_id === Number(showId)) };
  }
  if (path === '/api/admin/shows') return { body: shows };
  if (path === '/api/admin/venues') return { body: venues };
  if (path === '/api/admin/users') return { body: users };
  if (path === '/api/admin/reservations') {
    const q = (query.get('q') ?? '').toLowerCase();
    const status = query.get('status');
    const items = reservations.filter((r) => (!q || r.name.toLowerCase().includes(q) || r.email.includes(q)) && (!status || r.status === status));
    return { body: page(items, query) };
  }
  if ((match = /^\/api\/admin\/reservations\/(\d+)$/.exec(path))) {
    const r = reservations.find((x) => x.id === Number(match![1]));
    if (!r) return { status: 404, body: { status: 'not_found', detail: 'Not found.' } };
    const p = performances.find((x) => x.id === r.performance_id)!;
    return {
      body: {
        ...r,
        performance: { id: p.id, show_title: p.show_title, venue_name: p.venue_name, starts_at: p.starts_at },
        created_by: r.source === 'admin' ? 'biglietteria@azionelab.local' : null,
        check_in: r.checked_in_at ? { checked_in_at: r.checked_in_at, checked_in_by: 'ingresso@azionelab.local', method: 'online' } : null,
        emails: [
          { id: r.id * 10, kind: 'reservation_confirmation', status: 'sent', attempts: 1, created_at: r.created_at, sent_at: r.created_at, last_error: null },
          ...(r.confirmed_at
            ? [{ id: r.id * 10 + 1, kind: 'reservation_ticket', status: 'sent', attempts: 2, created_at: r.confirmed_at, sent_at: r.confirmed_at, last_error: null }]
            : []),
        ],
        history: [
          {
            at: r.created_at,
            action: 'reservation.create',
            actor: r.source === 'admin' ? 'biglietteria@azionelab.local' : null,
            summary: `${r.party_size} seats, ${r.source}`,
          },
          ...(r.confirmed_at ? [{ at: r.confirmed_at, action: 'reservation.confirm', actor: null, summary: null }] : []),
          ...(r.checked_in_at
            ? [{ at: r.checked_in_at, action: 'check_in.create', actor: 'ingresso@azionelab.local', summary: `${r.party_size} seats, online` }]
            : []),
        ],
      },
    };
  }
  if (path === '/api/admin/audit') {
    const actions = ['reservation.cancel', 'performance.update', 'show.publish', 'user.create', 'reservation.create', 'venue.update'];
    const items = Array.from({ length: 32 }, (_, i) => {
      const action = actions[i % actions.length]!;
      const type = action.split('.')[0]!;
      return {
        id: 100 - i,
        at: at(-Math.floor(i / 3), 18 - (i % 8), (i * 13) % 60),
        actor: i % 4 === 3 ? null : users[i % 3]!,
        action,
        entity_type: type,
        entity_id: 1 + (i % 7),
        summary: {
          reservation: i % 2 ? 'pending → cancelled, 2 seats freed' : '3 seats, admin',
          performance: 'booking_open=false',
          show: 'Clown in libertà',
          user: 'ingresso@azionelab.local (door)',
          venue: 'capacity=80',
        }[type] ?? '',
      };
    });
    return { body: page(items, query) };
  }
  return undefined;
}
