import { describe, expect, it } from 'vitest';
import { adminEn } from '../lib/i18n/dictionaries/admin.en';
import { changeDetail } from './change-details';

const label = (key: string) => (adminEn as Record<string, string>)[key] ?? key;

describe('changeDetail', () => {
  it('words the fields of a reservation change and keeps the values', () => {
    expect(changeDetail({ action: 'reservation.update', summary: 'party_size 2 → 4, performance_id 12 → 15' }, label)).toBe('Seats: 2 → 4, Performance: 12 → 15');
    expect(changeDetail({ action: 'reservation.update', summary: 'name "Maria" → "Anna", phone — → "06 1234"' }, label)).toBe('Name: "Maria" → "Anna", Phone: — → "06 1234"');
  });

  it('leaves other entries alone', () => {
    expect(changeDetail({ action: 'reservation.cancel', summary: 'party_size 2' }, label)).toBeUndefined();
  });
});
