import type { VerdictTone } from '../check-in/door-check-in';
import { feedbackSettings } from '../state/feedback-settings.svelte';
import { audioOutput } from './audio-output';

/*
 * A verdict is heard and felt as well as seen: staff look at the guest, not at the phone. Three
 * sounds that differ in pitch and rhythm (also for colour-blind staff): one high beep to admit,
 * two middle ones for "already admitted", a low buzz to refuse.
 */

const SOUNDS: Record<VerdictTone, { hz: number; type: OscillatorType; beeps: number[] }> = {
  admit: { hz: 1320, type: 'sine', beeps: [0.14] },
  warning: { hz: 660, type: 'triangle', beeps: [0.12, 0.12] },
  refuse: { hz: 220, type: 'square', beeps: [0.45] },
  // A late refusal must not sound like anything heard before: five fast rasping beeps.
  stop: { hz: 880, type: 'sawtooth', beeps: [0.09, 0.09, 0.09, 0.09, 0.09] },
  // CHECKING is silent: the verdict that follows it makes the sound.
  checking: { hz: 0, type: 'sine', beeps: [] },
};

const VIBRATIONS: Record<VerdictTone, number[]> = {
  admit: [80],
  warning: [120, 80, 120],
  refuse: [400],
  stop: [150, 60, 150, 60, 150, 60, 400],
  checking: [],
};

/**
 * Audio at start where the browser allows it, else from the first tap or key press anywhere in
 * the app (signing in, the scan screen's "turn on the sound" button) for the verdicts after it.
 */
export function unlockAudioOnFirstGesture(): void {
  audioOutput.start();
  const unlock = () => audioOutput.unlock();
  window.addEventListener('pointerdown', unlock, { capture: true });
  window.addEventListener('keydown', unlock, { capture: true });
}

/** A verdict's sound and vibration, as this phone's settings want them. */
export function signal(tone: VerdictTone): void {
  const audio = feedbackSettings.sound ? audioOutput.running() : undefined;
  if (audio) beep(audio, SOUNDS[tone]);
  if (feedbackSettings.vibration) navigator.vibrate?.(VIBRATIONS[tone]);
}

function beep(audio: AudioContext, { hz, type, beeps }: (typeof SOUNDS)[VerdictTone]): void {
  let start = audio.currentTime + 0.01;
  for (const length of beeps) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = type;
    oscillator.frequency.value = hz;
    // Short ramps: no click at the start and end of each beep.
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(0.25, start + 0.01);
    gain.gain.setValueAtTime(0.25, start + length - 0.02);
    gain.gain.linearRampToValueAtTime(0, start + length);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start);
    oscillator.stop(start + length);
    start += length + 0.08;
  }
}
