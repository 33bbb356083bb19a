/**
 * Debian's Chromium, as every browser test, benchmark and screenshot script launches it:
 * headless, sandbox off (root in CI), and no background traffic that could reach the network.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
