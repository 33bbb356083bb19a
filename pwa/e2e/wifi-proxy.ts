import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from '../../scripts/pg-cluster.js';
import { CHROMIUM, CHROMIUM_FLAGS } from './harness.js';

/*
 * The foyer's Wi-Fi for one phone: an HTTP proxy that Chromium sends every request through,
 * the page's and its service worker's alike (`--proxy-server`, with `<-loopback>` so that
 * localhost is not bypassed). It can be up, down (connections reset), hanging (connected, and
 * no answer ever), slow (each answer held back), or lose answers (the server gets the request
 * and does the work; the phone never hears back). It can also answer a path with a recorded
 * answer, to play back an older signed guest list.
 */

export type WifiMode = { kind: 'up' } | { kind: 'down' } | { kind: 'hang' } | { kind: 'slow'; delayMs: number } | { kind: 'lose' };

export interface RecordedAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Hop-by-hop headers a proxy does not pass on. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'upgrade', 'proxy-authorization']);

export class WifiProxy {
  mode: WifiMode = { kind: 'up' };
  /** When set, the mode applies to these paths only; every other request goes through. */
  only: RegExp | undefined;
  /** Requests seen, as "METHOD path", for assertions and failure reports. */
  readonly seen: string[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #recordings = new Map<RegExp, (answer: RecordedAnswer) => void>();
  readonly #replays = new Map<RegExp, RecordedAnswer>();

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  static async start(): Promise<WifiProxy> {
    const port = await freePort();
    const server = http.createServer();
    const proxy = new WifiProxy(server, port);
    server.on('request', (req, res) => proxy.#handle(req, res));
    server.on('connection', (socket) => {
      proxy.#sockets.add(socket);
      socket.on('close', () => proxy.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return proxy;
  }

  /** Chromium flags that send this browser's traffic, localhost included, through the proxy. */
  get chromiumArgs(): string[] {
    return [`--proxy-server=http://127.0.0.1:${this.port}`, '--proxy-bypass-list=<-loopback>'];
  }

  set(mode: WifiMode, only?: RegExp): void {
    this.mode = mode;
    this.only = only;
    // A network that changes state drops what was open, as a phone's does.
    if (!only && (mode.kind === 'down' || mode.kind === 'hang')) for (const socket of this.#sockets) socket.destroy();
  }

  /** The next answer to a request whose path matches, as the server sent it. */
  record(path: RegExp): Promise<RecordedAnswer> {
    return new Promise((resolve) => this.#recordings.set(path, resolve));
  }

  /** Answers requests whose path matches with `answer`, without asking the server. */
  replay(path: RegExp, answer: RecordedAnswer): void {
    this.#replays.set(path, answer);
  }

  stopReplaying(): void {
    this.#replays.clear();
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const target = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const path = `${target.pathname}${target.search}`;
    this.seen.push(`${req.method} ${path}`);
    const mode: WifiMode = !this.only || this.only.test(path) ? this.mode : { kind: 'up' };
    if (mode.kind === 'down') return void req.socket.destroy();
    // Connected, and nothing ever comes back: the socket stays open until the network changes.
    if (mode.kind === 'hang') return;
    const replay = [...this.#replays].find(([pattern]) => pattern.test(path))?.[1];
    if (replay) return void this.#later(mode, () => res.writeHead(replay.status, replay.headers).end(replay.body), res);

    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP.has(name)));
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path, headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        const outHeaders = Object.fromEntries(
          Object.entries(answer.headers).flatMap(([name, value]) => (HOP.has(name) || value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]])),
        );
        outHeaders['content-length'] = String(body.length);
        const recorded = { status: answer.statusCode ?? 502, headers: outHeaders, body };
        for (const [pattern, resolve] of this.#recordings) {
          if (pattern.test(path)) {
            this.#recordings.delete(pattern);
            resolve(recorded);
          }
        }
        // The server did the work; the phone never hears of it.
        if (mode.kind === 'lose') return void req.socket.destroy();
        this.#later(mode, () => res.writeHead(recorded.status, outHeaders).end(body), res);
      });
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  }

  #later(mode: WifiMode, send: () => void, res: ServerResponse): void {
    if (mode.kind !== 'slow') return send();
    const timer = setTimeout(() => !res.destroyed && send(), mode.delayMs);
    res.on('close', () => clearTimeout(timer));
  }
}

/** A phone's browser on its own Wi-Fi. */
export function browserOn(wifi: WifiProxy, extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, ...wifi.chromiumArgs, ...extraArgs] });
}
