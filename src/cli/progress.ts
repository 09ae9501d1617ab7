/**
 * A progress bar on stderr, fed by the estimators' `onProgress` callback. It stays hidden for
 * the first second (short runs print nothing), redraws at most every 100 ms, and is off when
 * stderr is not a terminal or with --quiet. `done()` erases it.
 */
import type { Progress } from '../core/control.js';

/** Delay before the bar appears, milliseconds. */
const SHOW_AFTER_MS = 1000;
const REDRAW_MS = 100;
const WIDTH = 28;

export class ProgressBar {
  private readonly start = Date.now();
  private last = 0;
  private drawn = false;
  private label: string;

  /** `enabled` false makes every call a no-op. */
  constructor(private readonly enabled: boolean, label: string, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.label = label;
  }

  /** A bar for the CLI: on when stderr is a TTY and not quiet. */
  static forCli(quiet: boolean, label: string): ProgressBar {
    return new ProgressBar(!quiet && process.stderr.isTTY === true, label);
  }

  /** Change the text shown before the bar (e.g. the dataset being processed). */
  setLabel(label: string): void { this.label = label; }

  /** Report progress; `total` 0 means unknown (a counter is shown instead of a bar). */
  update(p: Progress): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.start < SHOW_AFTER_MS || now - this.last < REDRAW_MS) return;
    this.last = now;
    const cols = this.stream.columns || 80;
    let text: string;
    if (p.total > 0) {
      const f = Math.max(0, Math.min(1, p.done / p.total));
      const full = Math.round(f * WIDTH);
      text = `${this.label} [${'#'.repeat(full)}${'.'.repeat(WIDTH - full)}] ${(f * 100).toFixed(0).padStart(3)}%`;
    } else {
      text = `${this.label} ${p.stage}: ${p.done}`;
    }
    text += `  ${((now - this.start) / 1000).toFixed(1)} s`;
    this.stream.write(`\r\x1b[K${text.slice(0, cols - 1)}`);
    this.drawn = true;
  }

  /** Callback to pass as `onProgress`. */
  get callback(): (p: Progress) => void {
    return (p) => this.update(p);
  }

  /** Erase the bar (if drawn). */
  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
