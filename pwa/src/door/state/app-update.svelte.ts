import { Workbox } from 'workbox-window';

/*
 * The service worker that keeps the door app working offline (door/sw.js, built by
 * pwa/door/door-pwa.ts). A new version installs in the background and then waits: staff are
 * offered it and take it when they choose, never in the middle of a scan.
 *
 * The first install is what makes the phone usable without network, and it can fail: the
 * network drops while the worker is still saving the app (a door phone set up in a hurry).
 * The browser then forgets the registration altogether, so the app says it is not ready yet
 * and installs again when the network returns.
 */

const SCOPE = '/door/';
/** How often the registration is looked at (a missed event must not hide anything for long). */
const LOOK_EVERY_MS = 5_000;
/** A failed first install is tried again after this, or at once when the network returns. */
const RETRY_INSTALL_MS = 30_000;
const CHECK_FOR_UPDATE_MS = 30 * 60_000;

class AppUpdate {
  /** The app uses a worker here (not in the dev server, not where the browser has none). */
  supported = $state(false);
  /** A new version is installed and waiting. */
  available = $state(false);
  /** A worker is active: a reload without network still opens the app. */
  offlineReady = $state(false);

  #workbox: Workbox | undefined;
  #installing = false;
  #lastInstall = 0;
  #applying = false;

  register(): void {
    if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
    this.supported = true;
    // A page the worker controls was opened by an active worker: ready from the first frame.
    this.offlineReady = navigator.serviceWorker.controller !== null;
    // The new version took over because staff asked for it: load it. Watched on the container
    // itself, since workbox-window reports only the workers it saw install.
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (this.#applying) window.location.reload();
    });
    window.addEventListener('online', () => void this.#look({ networkBack: true }));
    void this.#install(false);
    setInterval(() => void this.#look(), LOOK_EVERY_MS);
    // Long shifts: look for a new version every half hour too, not only at start.
    setInterval(() => void this.#workbox?.update().catch(() => undefined), CHECK_FOR_UPDATE_MS);
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

  /** Registers the worker; `immediate` skips waiting for the page's load event (a retry). */
  async #install(immediate: boolean): Promise<void> {
    if (this.#installing) return;
    this.#installing = true;
    this.#lastInstall = Date.now();
    const workbox = new Workbox(`${SCOPE}sw.js`, { scope: SCOPE });
    workbox.addEventListener('waiting', () => (this.available = true));
    workbox.addEventListener('activated', () => (this.offlineReady = true));
    this.#workbox = workbox;
    try {
      const registration = await workbox.register({ immediate });
      if (!registration) return;
      if (registration.active) this.offlineReady = true;
      this.#watch(registration);
      // Look for a new version at every start: the browser's own check on navigation may be
      // skipped or come late.
      if (registration.active) void workbox.update().catch(() => undefined);
    } catch {
      // Offline or the server unreachable: #look tries again (at once when the network returns).
    } finally {
      this.#installing = false;
    }
  }

  /**
   * The browser looks for a new worker while the page loads, before `register()` resolves: one
   * found then may already be installing or waiting, and workbox-window misses it at times
   * (the door browser test caught the banner never showing). Watch the registration directly
   * as well; a worker is an update only when another one controls the page.
   */
  #watch(registration: ServiceWorkerRegistration): void {
    const track = (worker: ServiceWorker) =>
      worker.addEventListener('statechange', () => {
        if (worker.state === 'activated') this.offlineReady = true;
        if (worker.state === 'installed' && isUpdate()) this.available = true;
      });
    if (registration.installing) track(registration.installing);
    registration.addEventListener('updatefound', () => registration.installing && track(registration.installing));
  }

  /** The registration as it is; with none, the first install failed and is tried again. */
  async #look({ networkBack = false } = {}): Promise<void> {
    const registration = await navigator.serviceWorker.getRegistration(SCOPE);
    if (registration?.active) this.offlineReady = true;
    if (registration?.waiting && isUpdate()) this.available = true;
    if (registration || this.#installing || !navigator.onLine) return;
    if (networkBack || Date.now() - this.#lastInstall >= RETRY_INSTALL_MS) await this.#install(true);
  }
}

/** A worker that installs while another one controls the page is a new version. */
const isUpdate = () => navigator.serviceWorker.controller !== null;

export const appUpdate = new AppUpdate();
