// `aurelis.trace.server` with a log output channel. vscode-languageclient traces only while its
// trace channel's log level is Trace, and a LogOutputChannel starts at the window's level (Info):
// so "messages"/"verbose" showed nothing. The client's trace channel is this view of a dedicated
// "Aurelis Trace" channel whose level is Trace whenever the setting asks for a trace; each traced
// message is written to the channel whatever its own level filter says.

import type * as vscode from "vscode";

// vscode.LogLevel's values (the vscode module is not loadable in unit tests).
export const LOG_LEVEL = { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 } as const;

/** The level the language client should see: Trace when the setting asks for a trace. */
export function traceLevel(setting: unknown, channelLevel: number): number {
  return setting === "messages" || setting === "verbose" ? LOG_LEVEL.Trace : channelLevel;
}

type Listener = (level: vscode.LogLevel) => unknown;

export class TraceChannel {
  private readonly listeners = new Set<Listener>();
  private setting: unknown;

  constructor(
    private readonly channel: vscode.LogOutputChannel,
    setting: unknown,
  ) {
    this.setting = setting;
    channel.onDidChangeLogLevel(() => this.fire());
  }

  get name(): string {
    return this.channel.name;
  }

  get logLevel(): vscode.LogLevel {
    return traceLevel(this.setting, this.channel.logLevel) as vscode.LogLevel;
  }

  /** The setting changed: the client re-reads the level and turns the trace on or off. */
  setSetting(setting: unknown): void {
    if (setting === this.setting) return;
    this.setting = setting;
    this.fire();
  }

  readonly onDidChangeLogLevel = (listener: Listener): vscode.Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  private fire(): void {
    for (const l of this.listeners) l(this.logLevel);
  }

  // A traced message is shown even if the channel's own filter is above Trace (appendLine writes
  // at Info): the setting is what the user asked for.
  trace(message: string): void {
    this.channel.appendLine(message);
  }
  debug(message: string, ...args: unknown[]): void {
    this.channel.debug(message, ...args);
  }
  info(message: string, ...args: unknown[]): void {
    this.channel.info(message, ...args);
  }
  warn(message: string, ...args: unknown[]): void {
    this.channel.warn(message, ...args);
  }
  error(error: string | Error, ...args: unknown[]): void {
    this.channel.error(error, ...args);
  }
  append(value: string): void {
    this.channel.append(value);
  }
  appendLine(value: string): void {
    this.channel.appendLine(value);
  }
  replace(value: string): void {
    this.channel.replace(value);
  }
  clear(): void {
    this.channel.clear();
  }
  show(column?: unknown, preserveFocus?: boolean): void {
    if (typeof column === "boolean") this.channel.show(column);
    else this.channel.show(preserveFocus);
  }
  hide(): void {
    this.channel.hide();
  }
  dispose(): void {
    this.listeners.clear();
    this.channel.dispose();
  }
}
