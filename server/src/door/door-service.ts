import { randomUUID } from 'node:crypto';
import type { DeltaManifest, FullManifest, ManifestEntry, OtherPerformanceTickets, RefusedTicket } from '../../../shared/src/manifest.js';
import type { DoorDevice, DoorGuest, DoorPerformance, NextDeviceName, RegisteredDevice } from '../../../shared/src/door-contracts.js';
import { codePrefix, hashPrefix, MANIFEST_VERSION, OTHER_PERFORMANCES_WITHIN_MS, sha256Hex } from '../../../shared/src/manifest.js';
import { insertAudit } from '../audit/audit-repository.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Db } from '../db/client.js';
import type { Env } from '../env.js';
import { notFound } from '../lib/errors.js';
import {
  doorPerformances,
  guestsByName,
  activeDeviceNames,
  insertDevice,
  latestChangeSeq,
  listDevices,
  liveTicketHashes,
  otherPerformancesOfShow,
  performanceForDoor,
  refusedTicketsOfPerformance,
  reservationsChangedSince,
  revokeDevice,
  ticketsOfPerformance,
} from './door-repository.js';
import { nextDoorNumber } from './device-names.js';
import type { SigningKeys } from './signing-keys.js';

type TicketRow = Awaited<ReturnType<typeof ticketsOfPerformance>>[number];

const codeHash = async (code: string | null) => (code ? sha256Hex(code) : null);

async function entryOf(row: TicketRow): Promise<ManifestEntry> {
  return {
    r: row.reservationId,
    h: row.tokenHash,
    n: row.partySize,
    k: await codeHash(row.code),
    c: row.checkedInAt ? { at: row.checkedInAt.toISOString(), by: row.staffName || row.staffEmail, device: row.deviceName } : null,
    g: row.sealedGuest,
  };
}

async function refusedOf(db: Db, performanceId: number, ids?: number[]): Promise<RefusedTicket[]> {
  const rows = await refusedTicketsOfPerformance(db, performanceId, ids);
  return rows.map((row) => [hashPrefix(row.tokenHash), row.reservationId, row.why]);
}

/** The show's other nights within ±7 days, each with its live tickets' hash prefixes and their codes' prefixes. */
async function othersOf(db: Db, performance: { id: number; startsAt: Date }): Promise<OtherPerformanceTickets[]> {
  const start = performance.startsAt.getTime();
  const nights = await otherPerformancesOfShow(db, performance.id, new Date(start - OTHER_PERFORMANCES_WITHIN_MS), new Date(start + OTHER_PERFORMANCES_WITHIN_MS));
  const tickets = await liveTicketHashes(db, nights.map((n) => n.id));
  return Promise.all(
    nights.map(async (night) => {
      const own = tickets.filter((t) => t.performanceId === night.id);
      return {
        id: night.id,
        starts_at: night.startsAt.toISOString(),
        tickets: own.map((t): [string, number] => [hashPrefix(t.tokenHash), t.reservationId]),
        codes: await Promise.all(own.map(async (t) => (t.code ? codePrefix(await sha256Hex(t.code)) : ''))),
      };
    }),
  );
}

export interface SignedDocument {
  body: string;
  keyId: string;
  signature: string;
  etag: string;
}

/** Door devices: what they may scan, the signed manifests they keep, their registration. */
export class DoorService {
  constructor(
    private readonly db: Db,
    private readonly env: Env,
    private readonly keys: SigningKeys,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Today's performances first: from six hours ago to two weeks ahead. */
  async performances(): Promise<DoorPerformance[]> {
    const now = this.now().getTime();
    const rows = await doorPerformances(this.db, new Date(now - this.env.CHECK_IN_GRACE), new Date(now + 14 * 86_400_000));
    return rows.map((p) => ({ id: p.id, show_title: p.showTitle, venue_name: p.venueName, starts_at: p.startsAt.toISOString() }));
  }

  /**
   * The ETag is known before the manifest is built: an unchanged manifest costs one query. It
   * follows this performance's changes only, not the other nights' tickets of a full manifest:
   * the app asks for full manifests without `If-None-Match`.
   */
  async manifestTag(performanceId: number, since: number | undefined): Promise<string> {
    const seq = await latestChangeSeq(this.db, performanceId);
    return `"m${performanceId}-${since ?? 'full'}-${seq}"`;
  }

  async manifest(performanceId: number, since: number | undefined): Promise<SignedDocument> {
    const performance = await performanceForDoor(this.db, performanceId);
    if (!performance) throw notFound('Performance not found.');
    const seq = await latestChangeSeq(this.db, performanceId);
    const generatedAt = this.now().toISOString();
    let document: FullManifest | DeltaManifest;
    if (since === undefined || since <= 0) {
      const [rows, refused, others] = await Promise.all([
        ticketsOfPerformance(this.db, performanceId),
        refusedOf(this.db, performanceId),
        othersOf(this.db, performance),
      ]);
      document = {
        v: MANIFEST_VERSION,
        type: 'full',
        performance: {
          id: performance.id,
          show_title: performance.showTitle,
          venue_name: performance.venueName,
          starts_at: performance.startsAt.toISOString(),
          opens_before_ms: this.env.DOOR_OPENS_BEFORE,
          closes_after_ms: this.env.CHECK_IN_GRACE,
          cancelled_at: performance.cancelledAt?.toISOString() ?? null,
        },
        seq,
        generated_at: generatedAt,
        expires_at: new Date(performance.startsAt.getTime() + this.env.CHECK_IN_GRACE).toISOString(),
        entries: await Promise.all(rows.map(entryOf)),
        refused,
        others,
      };
    } else {
      const changed = await reservationsChangedSince(this.db, performanceId, since);
      const [rows, refused] = changed.length
        ? await Promise.all([ticketsOfPerformance(this.db, performanceId, changed), refusedOf(this.db, performanceId, changed)])
        : [[], []];
      const live = new Set(rows.map((r) => r.reservationId));
      document = {
        v: MANIFEST_VERSION,
        type: 'delta',
        performance_id: performanceId,
        since,
        seq,
        generated_at: generatedAt,
        upserts: await Promise.all(rows.map(entryOf)),
        revoked: changed.filter((id) => !live.has(id)),
        refused,
        // Every delta says it: a cancellation of the whole performance reaches the phone with the
        // cancelled reservations, and the phone words their refusal with it.
        performance_cancelled_at: performance.cancelledAt?.toISOString() ?? null,
      };
    }
    const body = JSON.stringify(document);
    const { kid, signature } = await this.keys.sign(new TextEncoder().encode(body));
    return { body, keyId: kid, signature, etag: `"m${performanceId}-${since ?? 'full'}-${seq}"` };
  }

  /**
   * A guest without phone or code, looked up by name (online only). Only what the door needs:
   * the device admits the reservation by its code hash, from its own manifest.
   */
  async guests(performanceId: number, q: string): Promise<DoorGuest[]> {
    const rows = await guestsByName(this.db, performanceId, q, 20);
    // The code lets the phone admit the guest found as it admits a typed code (online: through the server).
    return rows.map((r) => ({ reservation_id: r.reservationId, name: r.name, code: r.code, party_size: r.partySize, checked_in_at: r.checkedInAt?.toISOString() ?? null }));
  }

  async registerDevice(name: string, staff: SessionUser): Promise<RegisteredDevice> {
    const device = await this.db.transaction(async (tx) => {
      const row = await insertDevice(tx, { id: randomUUID(), name, registeredByUserId: staff.id });
      await insertAudit(tx, { actorUserId: staff.id, action: 'device.register', entityType: 'device', entityId: null, summary: name, details: { device: { id: row.id, name } } });
      return row;
    });
    return { id: device.id, name: device.name, created_at: device.createdAt.toISOString() };
  }

  async devices(): Promise<DoorDevice[]> {
    const rows = await listDevices(this.db);
    return rows.map(({ device, registeredBy }) => ({
      id: device.id,
      name: device.name,
      registered_by: registeredBy,
      created_at: device.createdAt.toISOString(),
      last_seen_at: device.lastSeenAt?.toISOString() ?? null,
      revoked_at: device.revokedAt?.toISOString() ?? null,
    }));
  }

  /** The name offered to a new phone: the first "Door N" that no active device has. */
  async nextDeviceName(): Promise<NextDeviceName> {
    return { number: nextDoorNumber(await activeDeviceNames(this.db)) };
  }

  async revokeDevice(id: string, actor: SessionUser) {
    await this.db.transaction(async (tx) => {
      const device = await revokeDevice(tx, id, this.now());
      if (!device) throw notFound('Device not found.');
      await insertAudit(tx, {
        actorUserId: actor.id,
        action: 'device.revoke',
        entityType: 'device',
        entityId: null,
        summary: device.name,
        details: { device: { id: device.id, name: device.name } },
      });
    });
  }
}
