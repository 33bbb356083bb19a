/*
 * The one AudioContext of the door app, and whether it may play. Browsers keep audio locked
 * until a tap or a key press on the page, again after every reload: a context made at start is
 * "suspended" until then (Chrome lets an installed or often used app play at once). Verdict
 * sounds play only while it runs; the scan screen asks for a tap while it does not.
 */

/** `locked`: waits for a tap; `unavailable`: no Web Audio at all (colour and vibration remain). */
export type AudioState = 'locked' | 'running' | 'unavailable';

export class AudioOutput {
  #context: AudioContext | undefined;
  #state: AudioState = 'locked';
  readonly #listeners = new Set<(state: AudioState) => void>();

  constructor(private readonly create: () => AudioContext = () => new AudioContext()) {}

  get state(): AudioState {
    return this.#state;
  }

  /** At start, with no gesture yet: runs at once where the browser allows it, else stays locked. */
  start(): void {
    const context = this.#ensure();
    if (context) this.#resume(context);
  }

  /**
   * From a tap or key press handler: the browser allows audio from here on. A silent sound is
   * played within the gesture too, which older iOS Safari needs besides `resume()`.
   */
  unlock(): void {
    const context = this.#ensure();
    if (!context) return;
    this.#resume(context);
    try {
      const silence = context.createBufferSource();
      silence.buffer = context.createBuffer(1, 1, 22_050);
      silence.connect(context.destination);
      silence.start(0);
    } catch {
      // resume() alone is enough for current browsers.
    }
  }

  /** The context, when a sound played now would be heard. */
  running(): AudioContext | undefined {
    return this.#state === 'running' ? this.#context : undefined;
  }

  /** Called with every change of state; returns the function that stops it. */
  onChange(listener: (state: AudioState) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  #ensure(): AudioContext | undefined {
    if (this.#context || this.#state === 'unavailable') return this.#context;
    try {
      const context = this.create();
      this.#context = context;
      context.addEventListener('statechange', () => this.#update());
      this.#update();
      return context;
    } catch {
      this.#set('unavailable');
      return undefined;
    }
  }

  #resume(context: AudioContext): void {
    // Without a gesture the promise may wait until one comes, or fail: the state event tells.
    context.resume().then(
      () => this.#update(),
      () => this.#update(),
    );
  }

  #update(): void {
    // "interrupted" (iOS, a phone call) and "suspended" both need a tap to sound again.
    if (this.#context) this.#set(this.#context.state === 'running' ? 'running' : 'locked');
  }

  #set(state: AudioState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }
}

export const audioOutput = new AudioOutput();
