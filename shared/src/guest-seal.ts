/**
 * Guest details in the door manifest are sealed with a key that only the scanned ticket gives:
 * key = SHA-256("azionelab/guest/v1:" + raw check-in token), AES-256-GCM. The manifest holds
 * only SHA-256(token), which does not yield the key, so a lost phone reveals no names.
 */

export interface GuestDetails {
  name: string;
  code: string;
}

const PREFIX = 'azionelab/guest/v1:';

async function keyFor(rawToken: string): Promise<CryptoKey> {
  const material = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(PREFIX + rawToken));
  return crypto.subtle.importKey('raw', material, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromBase64Url = (text: string) => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (ch) => ch.charCodeAt(0));
};

export async function sealGuest(rawToken: string, details: GuestDetails): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(details));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await keyFor(rawToken), plain));
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return toBase64Url(out);
}

/** The guest's details, or null when this token does not open this blob. */
export async function openGuest(rawToken: string, blob: string): Promise<GuestDetails | null> {
  try {
    const bytes = fromBase64Url(blob);
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12) }, await keyFor(rawToken), bytes.slice(12));
    return JSON.parse(new TextDecoder().decode(plain)) as GuestDetails;
  } catch {
    return null;
  }
}
