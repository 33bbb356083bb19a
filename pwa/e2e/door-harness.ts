import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { freePort } from '../../scripts/pg-cluster.js';
import { CHROMIUM, CHROMIUM_FLAGS } from './harness.js';

/*
 * What the door's browser tests need besides the shared harness: a network that can really be
 * cut (for the service worker too), and a fake camera that films a real ticket.
 */

/**
 * A TCP relay in front of the server: one per door device, so each device has its own origin
 * and its own network cable. `cut()` drops every connection and refuses new ones, which no
 * request of the page or of its service worker gets past; `restore()` plugs it back in.
 */
export class Cable {
  #server: net.Server | undefined;
  #open = true;
  readonly #sockets = new Set<net.Socket>();

  private constructor(readonly port: number) {}

  /** The port is known first: the server must trust this origin before it starts. */
  static async reserve(): Promise<Cable> {
    return new Cable(await freePort());
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async connect(target: string): Promise<void> {
    const targetPort = Number(new URL(target).port);
    this.#server = net.createServer((client) => {
      if (!this.#open) return client.destroy();
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
  }

  cut(): void {
    this.#open = false;
    for (const socket of this.#sockets) socket.destroy();
  }

  restore(): void {
    this.#open = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

const WIDTH = 640;
const HEIGHT = 480;

/**
 * A Y4M video (what Chromium's fake camera plays, looped) of a ticket's QR image: `blankSeconds`
 * of an empty grey picture, then `showSeconds` of the QR in the middle. The blank lead gives a
 * test time to act before the first scan, and makes every loop a new scan (the app ignores a
 * code only while it stays in view and for 3 s after).
 */
export function ticketVideo(qrDataUrl: string, options: { blankSeconds: number; showSeconds: number; fps?: number }): string {
  const fps = options.fps ?? 10;
  const png = PNG.sync.read(Buffer.from(qrDataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
  const side = 360;
  const blank = Buffer.alloc(WIDTH * HEIGHT, 200);
  const withCode = Buffer.alloc(WIDTH * HEIGHT, 235);
  const left = (WIDTH - side) / 2;
  const top = (HEIGHT - side) / 2;
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      // Nearest neighbour keeps the modules sharp, like a phone screen held still.
      const sx = Math.floor((x / side) * png.width);
      const sy = Math.floor((y / side) * png.height);
      const i = (sy * png.width + sx) * 4;
      const luma = Math.round(0.299 * png.data[i]! + 0.587 * png.data[i + 1]! + 0.114 * png.data[i + 2]!);
      withCode[(top + y) * WIDTH + left + x] = luma;
    }
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const frame = (luma: Buffer) => Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const frames = [
    ...Array.from({ length: Math.round(options.blankSeconds * fps) }, () => frame(blank)),
    ...Array.from({ length: Math.round(options.showSeconds * fps) }, () => frame(withCode)),
  ];
  const file = path.join(tmpdir(), `door-ticket-${process.pid}-${Date.now()}.y4m`);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F${fps}:1 Ip A1:1 C420jpeg\n`), ...frames]));
  return file;
}

/** A Chromium whose camera films `video` (granted without asking, as on a door phone set up once). */
export function cameraBrowser(video: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...CHROMIUM_FLAGS,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
}
