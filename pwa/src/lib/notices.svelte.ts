/*
 * Short confirmations ("Saved.", "Email queued.") shown in one polite live region, so screen
 * readers hear them without moving focus. They stay until dismissed or replaced.
 */

export interface Notice {
  id: number;
  text: string;
  tone: 'success' | 'info';
  /** The page it belongs to: leaving the page hides it. */
  path: string;
}

class Notices {
  items = $state<Notice[]>([]);
  #next = 1;

  show(text: string, tone: Notice['tone'] = 'success'): void {
    // One at a time: a stack of old confirmations helps no one.
    this.items = [{ id: this.#next++, text, tone, path: window.location.pathname }];
  }

  dismiss(id: number): void {
    this.items = this.items.filter((notice) => notice.id !== id);
  }

  clear(): void {
    this.items = [];
  }
}

export const notices = new Notices();
