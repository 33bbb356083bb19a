import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../../shared/src/audit-details';
import { auditWords } from '../../../server/src/audit/audit-words';
import { renderAuditParts, renderAuditText, type AuditEntryLike } from './audit-render';

const en = auditWords('en', 'Europe/Rome');
const it_ = auditWords('it', 'Europe/Rome');
const maria = { id: 7, email: 'maria@example.org', name: 'Maria R.' };

const entry = (over: Partial<AuditEntryLike>): AuditEntryLike => ({
  action: 'reservation.create',
  entity_type: 'reservation',
  entity_id: 1,
  summary: '',
  details: null,
  actor: null,
  ...over,
});

/** No action code (a.b with lower-case words) and no `key=value` may reach the reader. */
function assertReadable(text: string) {
  for (const action of AUDIT_ACTIONS) expect(text).not.toContain(action);
  expect(text).not.toMatch(/\b\w+=\S/);
  expect(text).not.toMatch(/admin\.|\{\w+\}/);
}

describe('renderAuditText', () => {
  const move = entry({
    action: 'performance.update',
    entity_type: 'performance',
    entity_id: 4,
    actor: maria,
    details: {
      actor: { name: 'Maria R.' },
      performance: { id: 4, starts_at: '2026-12-13T20:00:00.000Z', show_id: 2, show_title: 'Il giardino dei ciliegi' },
      changes: [{ field: 'starts_at', before: '2026-12-12T20:00:00.000Z', after: '2026-12-13T20:00:00.000Z' }],
    },
  });

  it('words a moved performance in both languages, with links to the show', () => {
    expect(renderAuditText(move, en)).toBe('Maria R. moved the performance of Il giardino dei ciliegi from 12 Dec 2026, 21:00 to 13 Dec 2026, 21:00');
    expect(renderAuditText(move, it_)).toBe('Maria R. ha spostato la replica di Il giardino dei ciliegi da 12 dic 2026, 21:00 a 13 dic 2026, 21:00');
    const parts = renderAuditParts(move, en);
    expect(parts.find((p) => p.text === 'Il giardino dei ciliegi')?.link).toEqual({ kind: 'show', id: 2 });
    expect(parts.find((p) => p.text === 'Maria R.')?.link).toEqual({ kind: 'user', id: 7 });
  });

  it('words an offline check-in with its door phone and sync time', () => {
    const scan = entry({
      action: 'check_in.create',
      entity_id: 9,
      actor: { id: 3, email: 'luca@example.org', name: 'Luca' },
      details: {
        actor: { name: 'Luca' },
        reservation: { id: 9, code: 'ABCD-EFGH', seats: 2 },
        device: { id: 'uuid-1', name: 'Door 2' },
        mode: 'offline',
        seats: 2,
        scanned_at: '2026-12-12T20:05:00.000Z',
        synced_at: '2026-12-12T20:14:00.000Z',
      },
    });
    expect(renderAuditText(scan, en)).toBe('Door 2 (Luca) admitted reservation ABCD-EFGH (2 seats), offline at 21:05, synced 21:14');
    expect(renderAuditText(scan, it_)).toBe('Door 2 (Luca) ha fatto entrare la prenotazione ABCD-EFGH (2 posti), offline alle 21:05, sincronizzato alle 21:14');
    expect(renderAuditParts(scan, en).find((p) => p.text === 'ABCD-EFGH')?.link).toEqual({ kind: 'reservation', id: 9 });
  });

  it('words edits before → after, erased values as erased', () => {
    const edit = entry({
      action: 'reservation.update',
      actor: maria,
      details: {
        reservation: { id: 1, code: 'WXYZ-2345', seats: 3 },
        changes: [
          { field: 'party_size', before: 2, after: 3 },
          { field: 'name', before: null, after: null },
        ],
        erased: ['name'],
      },
    });
    expect(renderAuditText(edit, en)).toBe('Maria R. changed reservation WXYZ-2345: seats 2 → 3; name (erased after the retention period)');
  });

  it('falls back to readable words for old entries and unknown actions', () => {
    const old = entry({ action: 'venue.update', entity_type: 'venue', entity_id: 3, summary: 'name=Sala 2', actor: maria });
    expect(renderAuditText(old, en)).toBe('Venue changed: Venue #3');
    expect(renderAuditText(old, it_)).toBe('Sala modificata: Sala n. 3');
    const oldChange = entry({ action: 'reservation.update', summary: 'party_size 2 → 4', actor: maria });
    expect(renderAuditText(oldChange, en)).toBe('Reservation changed: Reservation #1 (seats: 2 → 4)');
    const unknown = entry({ action: 'thing.frobnicate', entity_type: 'thing', entity_id: 5, details: { seats: 1 } });
    expect(renderAuditText(unknown, en)).toBe('Change recorded: Record #5');
    for (const text of [old, oldChange, unknown].map((e) => renderAuditText(e, en))) assertReadable(text);
  });

  it('has a sentence for every action, in both languages, with details or without', () => {
    for (const action of AUDIT_ACTIONS) {
      for (const words of [en, it_]) {
        for (const details of [null, { actor: { name: 'Ada' }, seats: 2, changes: [{ field: 'title', before: 'A', after: 'B' }] }]) {
          const text = renderAuditText(entry({ action, entity_type: action.split('.')[0]!, entity_id: 2, details }), words);
          expect(text.length, action).toBeGreaterThan(5);
          assertReadable(text);
        }
      }
    }
  });
});

describe('door conflicts', () => {
  it('name both scans to the second, from details or from an old summary', () => {
    const conflict = {
      won: { device: 'Door 2', staff: 'porta.due', at: '2026-12-12T20:16:04.000Z' },
      lost: { device: 'Door 1', staff: 'porta.uno', at: '2026-12-12T20:16:09.000Z' },
      rule: 'earliest_corrected_scan' as const,
    };
    const withDetails = entry({ action: 'check_in.reassign', details: { reservation: { id: 1, code: 'ABCD-EFGH' }, conflict } });
    expect(renderAuditText(withDetails, en)).toMatch(/^Reservation ABCD-EFGH: The check-in is now the scan on Door 2 by porta\.due at 21:16:04; the server had the scan on Door 1 by porta\.uno at 21:16:09 first/);
    const old = entry({ action: 'check_in.duplicate', summary: JSON.stringify(conflict) });
    expect(renderAuditText(old, it_)).toMatch(/21:16:09.*21:16:04|21:16:04.*21:16:09/);
    assertReadable(renderAuditText(old, it_));
  });
});
