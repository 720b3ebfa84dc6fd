// Restart-on-crash policy: exponential backoff, and give up after too many crashes in a window
// (a server that dies at start-up must not be restarted forever). The clock is injected for tests.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, maxRestarts: 5, windowMs: 180_000 };

export type Decision = { restart: true; delayMs: number; attempt: number } | { restart: false; crashes: number };

export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly options: BackoffOptions = DEFAULT_BACKOFF,
    private readonly now: () => number = Date.now,
  ) {}

  /** Call when the server process died unexpectedly. */
  onCrash(): Decision {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.options.windowMs);
    this.crashes.push(t);
    const attempt = this.crashes.length;
    if (attempt > this.options.maxRestarts) return { restart: false, crashes: attempt };
    const delayMs = Math.min(this.options.maxMs, this.options.baseMs * 2 ** (attempt - 1));
    return { restart: true, delayMs, attempt };
  }

  /** A manual restart or a healthy start forgets earlier crashes. */
  reset(): void {
    this.crashes = [];
  }
}
