/** How loud an alert is: three rising beeps for a flash order or a notice, one for anything else. */
export type BeepPattern = 'urgent' | 'gentle';

let context: AudioContext | null = null;
let armed = false;

/**
 * Browsers keep audio silent until the person interacts with the page, so the audio context is
 * created (or resumed) on their first tap or key press; alerts after that can sound.
 */
export function armAlertSound(): void {
  if (armed || typeof window === 'undefined' || typeof AudioContext === 'undefined') return;
  armed = true;
  const unlock = () => {
    context ??= new AudioContext();
    void context.resume().catch(() => undefined);
  };
  window.addEventListener('pointerdown', unlock, { passive: true });
  window.addEventListener('keydown', unlock);
}

/** Plays a beep made with Web Audio (no sound file); silent if the page was never touched. */
export function beep(pattern: BeepPattern): void {
  if (!context || context.state !== 'running') return;
  const tones = pattern === 'urgent' ? [880, 988, 1175] : [660];
  const start = context.currentTime + 0.02;
  tones.forEach((frequency, i) => {
    const osc = context!.createOscillator();
    const gain = context!.createGain();
    const at = start + i * 0.22;
    osc.type = 'square';
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.18, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
    osc.connect(gain).connect(context!.destination);
    osc.start(at);
    osc.stop(at + 0.2);
  });
}
