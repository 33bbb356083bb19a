/*
 * The time, as a reactive value that moves every few seconds: for what the screen says in
 * relative terms ("list updated 2 min ago"), which must age while nothing else happens.
 */
const TICK_MS = 5_000;

class Ticker {
  now = $state(Date.now());

  constructor() {
    if (typeof window !== 'undefined') setInterval(() => (this.now = Date.now()), TICK_MS);
  }
}

export const ticker = new Ticker();
