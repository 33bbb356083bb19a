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
  #applying = false;

  register(): void {
    // Not in the dev server (no worker is built there), nor where the browser has none.
    if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
    const workbox = new Workbox('/door/sw.js', { scope: '/door/' });
    workbox.addEventListener('waiting', () => (this.available = true));
    // The new version took over because staff asked for it: load it. Watched on the container
    // itself, since workbox-window reports only the workers it saw install.
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (this.#applying) window.location.reload();
    });
    workbox.addEventListener('activated', () => (this.offlineReady = true));
    this.#workbox = workbox;
    void workbox.register().then((registration) => {
      if (registration?.active) this.offlineReady = true;
      if (registration) this.#watch(registration);
      // Look for a new version at every start (the browser's own check on navigation may be
      // skipped or come late), and every half hour during long shifts.
      void workbox.update().catch(() => undefined);
      setInterval(() => void workbox.update().catch(() => undefined), 30 * 60_000);
    });
  }

  /**
   * The browser looks for a new worker while the page loads, before `register()` resolves: one
   * found then may already be installing or waiting, and workbox-window misses it at times
   * (the door browser test caught the banner never showing). Watch the registration directly
   * as well; a worker is an update only when another one controls the page.
   */
  #watch(registration: ServiceWorkerRegistration): void {
    const isUpdate = () => navigator.serviceWorker.controller !== null;
    const track = (worker: ServiceWorker) =>
      worker.addEventListener('statechange', () => {
        if (worker.state === 'installed' && isUpdate()) this.available = true;
      });
    if (registration.waiting && isUpdate()) this.available = true;
    if (registration.installing) track(registration.installing);
    registration.addEventListener('updatefound', () => registration.installing && track(registration.installing));
    // And a plain look every few seconds: a missed event must not hide an update for a whole shift.
    setInterval(() => {
      if (registration.waiting && isUpdate()) this.available = true;
    }, 5_000);
  }

  /** Staff tapped "update": the waiting worker takes over and the page reloads. */
  apply(): void {
    this.#applying = true;
    this.#workbox?.messageSkipWaiting();
    // Normally the new worker takes control and `controllerchange` reloads at once; if that
    // event never comes, staff still see the tap do something, and the reload shows the banner
    // again if the new version is still waiting.
    setTimeout(() => window.location.reload(), 3_000);
  }
}

export const appUpdate = new AppUpdate();
