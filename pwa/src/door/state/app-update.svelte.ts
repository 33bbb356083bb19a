import { Workbox } from 'workbox-window';

/*
 * The service worker that keeps the door app working offline (door/sw.js, built by
 * pwa/door/door-pwa.ts). A new version installs in the background and then waits: staff are
 * offered it and take it when they choose, never in the middle of a scan.
 */
class AppUpdate {
  /** A new version is installed and waiting. */
  available = $state(false);
  /** The worker controls the page: a reload without network still opens the app. */
  offlineReady = $state(false);

  #workbox: Workbox | undefined;

  register(): void {
    // Not in the dev server (no worker is built there), nor where the browser has none.
    if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
    const workbox = new Workbox('/door/sw.js', { scope: '/door/' });
    workbox.addEventListener('waiting', () => (this.available = true));
    workbox.addEventListener('controlling', (event) => {
      // The new version took over because staff asked for it: load it.
      if (event.isUpdate) window.location.reload();
    });
    workbox.addEventListener('activated', () => (this.offlineReady = true));
    this.#workbox = workbox;
    void workbox.register().then((registration) => {
      if (registration?.active) this.offlineReady = true;
      // Long shifts: look for a new version every half hour as well as on each start.
      setInterval(() => void workbox.update().catch(() => undefined), 30 * 60_000);
    });
  }

  /** Staff tapped "update": the waiting worker takes over and the page reloads. */
  apply(): void {
    this.#workbox?.messageSkipWaiting();
  }
}

export const appUpdate = new AppUpdate();
