import { doorDb, type DoorDb } from '../data/door-db';

/*
 * Whether verdicts beep and vibrate, chosen per phone in the menu and kept in IndexedDB: a quiet
 * foyer may want silence, a loud one vibration only. They say nothing about guests, so they
 * survive sign-out (DoorDb.eraseGuestData keeps them), like the QR reader chosen.
 */
class FeedbackSettings {
  sound = $state(true);
  vibration = $state(true);
  /** Read from the device: until then nothing asks to turn the sound on. */
  loaded = $state(false);

  constructor(private readonly db: DoorDb) {}

  async load(): Promise<void> {
    const [sound, vibration] = await Promise.all([this.db.getMeta('sound'), this.db.getMeta('vibration')]);
    if (typeof sound === 'boolean') this.sound = sound;
    if (typeof vibration === 'boolean') this.vibration = vibration;
    this.loaded = true;
  }

  async setSound(on: boolean): Promise<void> {
    this.sound = on;
    await this.db.setMeta('sound', on);
  }

  async setVibration(on: boolean): Promise<void> {
    this.vibration = on;
    await this.db.setMeta('vibration', on);
  }
}

export const feedbackSettings = new FeedbackSettings(doorDb);
