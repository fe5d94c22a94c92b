// A virtual screen for interactive-mode tests: PTY bytes go into a headless xterm, and tests wait
// for what a person would see. Waits poll after each parsed write and have a generous deadline
// only so a broken run fails with the screen in the message instead of hanging.
import xterm from '@xterm/headless';

export class Screen {
  readonly term: xterm.Terminal;
  private readonly waiters = new Set<() => void>();

  constructor(cols = 120, rows = 40) {
    this.term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 5000 });
  }

  write(data: Buffer | string): void {
    this.term.write(typeof data === 'string' ? data : new Uint8Array(data), () => {
      for (const w of [...this.waiters]) w();
    });
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
  }

  /** Every line of the buffer (scrollback and screen), trailing blanks trimmed. */
  text(): string {
    const b = this.term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < b.length; i++) out.push(b.getLine(i)?.translateToString(true) ?? '');
    return out.join('\n');
  }

  /** Resolves once `test(text)` holds; rejects with the screen after `deadlineMs`. */
  waitFor(test: (text: string) => boolean, what: string, deadlineMs = 90_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!test(this.text())) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`screen never showed ${what}; it shows:\n${this.text()}`));
      }, deadlineMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  includes(text: string, deadlineMs?: number): Promise<void> {
    return this.waitFor((s) => s.includes(text), JSON.stringify(text), deadlineMs);
  }
}
