import type { VerdictTone } from '../check-in/door-check-in';

/*
 * A verdict is heard and felt as well as seen: staff look at the guest, not at the phone. Three
 * sounds that differ in pitch and rhythm (also for colour-blind staff): one high beep to admit,
 * two middle ones for "already admitted", a low buzz to refuse.
 */

const SOUNDS: Record<VerdictTone, { hz: number; type: OscillatorType; beeps: number[] }> = {
  admit: { hz: 1320, type: 'sine', beeps: [0.14] },
  warning: { hz: 660, type: 'triangle', beeps: [0.12, 0.12] },
  refuse: { hz: 220, type: 'square', beeps: [0.45] },
};

const VIBRATIONS: Record<VerdictTone, number[]> = {
  admit: [80],
  warning: [120, 80, 120],
  refuse: [400],
};

let audio: AudioContext | undefined;

/**
 * Browsers start audio only after a user gesture: the first tap or key press anywhere in the
 * app (signing in, starting the camera) unlocks it for the verdicts that follow.
 */
export function unlockAudioOnFirstGesture(): void {
  const unlock = () => {
    try {
      audio ??= new AudioContext();
      void audio.resume();
    } catch {
      // No Web Audio: the colour and the vibration remain.
    }
  };
  window.addEventListener('pointerdown', unlock, { capture: true });
  window.addEventListener('keydown', unlock, { capture: true });
}

export function signal(tone: VerdictTone, options: { sound: boolean }): void {
  if (options.sound && audio && audio.state === 'running') {
    const { hz, type, beeps } = SOUNDS[tone];
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
  navigator.vibrate?.(VIBRATIONS[tone]);
}
