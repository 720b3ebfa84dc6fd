// Server work-done progress (indexing, AI commands) as the status bar shows it: the most recently
// updated progress that has not ended. Pure; the client feeds it `$/progress` values.

import type { Progress } from "./views";

export type ProgressValue =
  | { kind: "begin"; title: string; message?: string; percentage?: number; cancellable?: boolean }
  | { kind: "report"; message?: string; percentage?: number; cancellable?: boolean }
  | { kind: "end"; message?: string };

export type Token = string | number;

export class ProgressTracker {
  private readonly active = new Map<Token, Progress>();

  /** Apply one `$/progress` value; returns the progress to show now (undefined: none running). */
  apply(token: Token, value: ProgressValue): Progress | undefined {
    if (value.kind === "end") {
      this.active.delete(token);
      return this.current();
    }
    const previous = value.kind === "begin" ? { title: value.title } : this.active.get(token);
    if (previous === undefined) return this.current(); // a report for an unknown or ended token
    const next: Progress = {
      title: previous.title,
      message: value.message ?? previous.message,
      percentage: value.percentage ?? previous.percentage,
    };
    this.active.delete(token); // re-insert: Map order is recency
    this.active.set(token, next);
    return next;
  }

  current(): Progress | undefined {
    let last: Progress | undefined;
    for (const p of this.active.values()) last = p;
    return last;
  }

  clear(): void {
    this.active.clear();
  }
}
