import { describe, expect, it, vi } from 'vitest';
import { AudioOutput, type AudioState } from './audio-output';

/** A browser's AudioContext as far as locking goes: `resume()` works only inside a gesture. */
class FakeContext extends EventTarget {
  state: AudioContextState = 'suspended';
  gesture = false;
  silentSounds = 0;
  readonly destination = {};
  resume(): Promise<void> {
    if (!this.gesture) return new Promise(() => {}); // Chrome: waits for a gesture that may never come
    this.state = 'running';
    this.dispatchEvent(new Event('statechange'));
    return Promise.resolve();
  }
  createBuffer() {
    return {};
  }
  createBufferSource() {
    return { buffer: null, connect: () => {}, start: () => void (this.silentSounds += 1) };
  }
}

function anOutput(context = new FakeContext()) {
  const output = new AudioOutput(() => context as unknown as AudioContext);
  const seen: AudioState[] = [];
  output.onChange((state) => seen.push(state));
  return { output, context, seen };
}

describe('the audio of the verdicts', () => {
  it('stays locked at start until a gesture unlocks it, and says so', () => {
    const { output, context, seen } = anOutput();
    output.start();
    expect(output.state).toBe('locked');
    expect(output.running()).toBeUndefined();
    context.gesture = true;
    output.unlock();
    expect(output.state).toBe('running');
    expect(output.running()).toBe(context);
    expect(context.silentSounds).toBe(1);
    expect(seen).toEqual(['running']);
  });

  it('runs at once where the browser allows it (an installed app)', () => {
    const context = new FakeContext();
    context.state = 'running';
    const { output } = anOutput(context);
    output.start();
    expect(output.state).toBe('running');
  });

  it('is locked again when the system suspends it (a phone call on iOS)', () => {
    const { output, context, seen } = anOutput();
    context.gesture = true;
    output.unlock();
    context.state = 'suspended';
    context.dispatchEvent(new Event('statechange'));
    expect(output.state).toBe('locked');
    expect(seen).toEqual(['running', 'locked']);
  });

  it('is unavailable without Web Audio, and never asks again', () => {
    const create = vi.fn(() => {
      throw new Error('AudioContext is not defined');
    });
    const output = new AudioOutput(create);
    output.start();
    output.unlock();
    expect(output.state).toBe('unavailable');
    expect(create).toHaveBeenCalledTimes(1);
  });
});
