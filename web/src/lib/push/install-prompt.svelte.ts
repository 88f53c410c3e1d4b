/** The browser's install prompt (Chromium's `beforeinstallprompt`), kept until the person asks for it. */
interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

class InstallPrompt {
  #event = $state<InstallPromptEvent | null>(null);

  /** Whether the browser offers installing now (not installed yet, criteria met). */
  get available(): boolean {
    return this.#event !== null;
  }

  /** Listens for the offer; call once when the app starts. */
  listen(): () => void {
    const onOffer = (e: Event) => {
      e.preventDefault();
      this.#event = e as InstallPromptEvent;
    };
    const onInstalled = () => (this.#event = null);
    window.addEventListener('beforeinstallprompt', onOffer);
    window.addEventListener('appinstalled', onInstalled);
    return () => {
      window.removeEventListener('beforeinstallprompt', onOffer);
      window.removeEventListener('appinstalled', onInstalled);
    };
  }

  async install(): Promise<void> {
    const e = this.#event;
    if (!e) return;
    await e.prompt();
    await e.userChoice;
    this.#event = null;
  }
}

export const installPrompt = new InstallPrompt();
