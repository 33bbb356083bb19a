/*
 * The rear camera, and its torch where the phone offers one (Chrome on Android does; most
 * others do not, so the switch only appears when the track says it can).
 */

export type CameraProblem = 'denied' | 'unavailable' | 'insecure' | 'failed';

export class CameraError extends Error {
  constructor(readonly problem: CameraProblem) {
    super(problem);
    this.name = 'CameraError';
  }
}

export interface Camera {
  readonly stream: MediaStream;
  readonly hasTorch: boolean;
  setTorch(on: boolean): Promise<void>;
  stop(): void;
}

export async function openRearCamera(): Promise<Camera> {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) throw new CameraError('insecure');
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      // "ideal": a laptop's only (front) camera still works for testing and for a desk setup.
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    if (name === 'NotAllowedError' || name === 'SecurityError') throw new CameraError('denied');
    if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') throw new CameraError('unavailable');
    throw new CameraError('failed');
  }
  const [track] = stream.getVideoTracks();
  const capabilities = (track?.getCapabilities?.() ?? {}) as MediaTrackCapabilities & { torch?: boolean };
  return {
    stream,
    hasTorch: capabilities.torch === true,
    async setTorch(on) {
      // `torch` is not in TypeScript's DOM types yet.
      await track?.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
    },
    stop() {
      for (const t of stream.getTracks()) t.stop();
    },
  };
}
