// The language client: finds the server command, starts it, answers workspace/configuration,
// restarts on crash with backoff, and exposes `execute` for the palette commands.

import * as fs from "node:fs";
import * as readline from "node:readline";
import type { Readable } from "node:stream";
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ProgressToken,
  State,
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateRequest,
} from "vscode-languageclient/node";
import { RestartPolicy } from "./backoff";
import { ProgressTracker } from "./progress";
import { CommandRequest, missingCommands } from "./protocol";
import { Candidate, candidates, firstWorking, notFoundMessage } from "./serverCommand";
import { LevelledSink, stderrLines } from "./serverLog";
import { TraceChannel } from "./traceChannel";
import { configurationAnswer, explicitSettings, SECTION } from "./settings";
import type { Progress } from "./views";

export const DOCUMENT_SELECTOR = [
  { scheme: "file", language: "python" },
  { scheme: "untitled", language: "python" },
];

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

async function activePython(): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension("ms-python.python");
  if (ext) {
    try {
      const api = (await ext.activate()) as {
        environments?: { getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } };
      };
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const found = api.environments?.getActiveEnvironmentPath(folder)?.path;
      if (found) return found;
    } catch {
      // fall through to the setting
    }
  }
  return vscode.workspace.getConfiguration("python").get<string>("defaultInterpreterPath") || undefined;
}

/** The first candidate whose `--version` runs, or undefined after telling the user why. */
export async function findServer(log: vscode.LogOutputChannel, readme: vscode.Uri): Promise<Candidate | undefined> {
  const configured = vscode.workspace.getConfiguration(SECTION).get<string[]>("server.command") ?? [];
  const tried = candidates({
    configured,
    env: process.env,
    platform: process.platform,
    python: await activePython(),
    isExecutable,
  });
  const { found, errors } = await firstWorking(tried);
  if (found) {
    log.info(`server: ${[found.command, ...found.args].join(" ")} (from ${found.source})`);
    return found;
  }
  const message = notFoundMessage(tried, errors);
  log.error(message);
  void vscode.window.showErrorMessage(message, "How to install", "Open Settings").then((choice) => {
    if (choice === "How to install") void vscode.commands.executeCommand("markdown.showPreview", readme);
    if (choice === "Open Settings") void vscode.commands.executeCommand("workbench.action.openSettings", "aurelis.server.command");
  });
  return undefined;
}

function eachLine(input: Readable, onLine: (line: string) => void): void {
  readline.createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 }).on("line", onLine);
}

/** Server output into the log channel at each line's level (the default makes all stderr [error]). */
export const STDIO_OPTIONS = {
  stdout: (input: Readable, channel: LevelledSink) => eachLine(input, (line) => channel.info(line)),
  stderr: (input: Readable, channel: LevelledSink) => eachLine(input, stderrLines(channel)),
};

export class AurelisClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly policy = new RestartPolicy();
  private readonly stateListeners: ((state: string) => void)[] = [];
  private readonly progressListeners: ((progress: Progress | undefined) => void)[] = [];
  readonly progress = new ProgressTracker();
  /** `aurelis.trace.server` output; created with the first client, kept across restarts. */
  private trace: TraceChannel | undefined;
  private traceWatch: vscode.Disposable | undefined;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly readme: vscode.Uri,
    /** Every `aurelis.*` setting key the extension contributes (from its package.json). */
    private readonly settingKeys: readonly string[],
  ) {}

  /** The `aurelis` settings the user set for `scope` (see explicitSettings for why not defaults). */
  private userSettings(scope?: vscode.Uri) {
    const config = vscode.workspace.getConfiguration(SECTION, scope);
    return explicitSettings(this.settingKeys, (key) => config.inspect(key));
  }

  onState(listener: (state: string) => void): void {
    this.stateListeners.push(listener);
  }

  onProgress(listener: (progress: Progress | undefined) => void): void {
    this.progressListeners.push(listener);
  }

  /**
   * Server-created work-done progress: shown in VS Code's window progress like the built-in
   * handler does, and fed to the status bar (a token takes one `$/progress` handler, so this
   * replaces the built-in one rather than adding to it).
   */
  private watchProgress(client: LanguageClient): void {
    client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => this.track(client, token));
  }

  private track(client: LanguageClient, token: ProgressToken): void {
    let report: vscode.Progress<{ message?: string; increment?: number }> | undefined;
    let finish: (() => void) | undefined;
    let ended = false;
    let reported = 0;
    const subscription = client.onProgress(WorkDoneProgress.type, token, (value) => {
      const shown = this.progress.apply(token, value);
      for (const l of this.progressListeners) l(shown);
      if (value.kind === "begin") {
        void vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: value.title, cancellable: value.cancellable },
          (progress, cancel) => {
            report = progress;
            cancel.onCancellationRequested(() => void client.sendNotification(WorkDoneProgressCancelNotification.type, { token }));
            progress.report({ message: value.message });
            return ended ? Promise.resolve() : new Promise<void>((resolve) => (finish = resolve));
          },
        );
      } else if (value.kind === "report") {
        const increment = value.percentage !== undefined ? Math.max(0, value.percentage - reported) : undefined;
        reported += increment ?? 0;
        report?.report({ message: value.message, increment });
      } else {
        ended = true;
        finish?.();
        subscription.dispose();
      }
    });
  }

  private emit(state: string): void {
    for (const l of this.stateListeners) l(state);
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  /** Commands the server advertised in `executeCommandProvider`. */
  get serverCommands(): string[] {
    return this.client?.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  }

  get converter() {
    return this.client?.code2ProtocolConverter;
  }

  /** Protocol -> VS Code objects (the WorkspaceEdit aurelis.implement returns). */
  get toCode() {
    return this.client?.protocol2CodeConverter;
  }

  async start(): Promise<boolean> {
    const candidate = await findServer(this.log, this.readme);
    if (!candidate) {
      this.emit("not found");
      return false;
    }
    const options: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: this.log,
      traceOutputChannel: this.traceChannel() as unknown as vscode.LogOutputChannel,
      stdioOptions: STDIO_OPTIONS,
      initializationOptions: this.userSettings(),
      middleware: {
        workspace: {
          configuration: (params) =>
            configurationAnswer(params.items, (section, scopeUri) => {
              const scope = scopeUri ? vscode.Uri.parse(scopeUri) : undefined;
              if (section === SECTION) return this.userSettings(scope);
              return section ? vscode.workspace.getConfiguration(undefined, scope).get(section) : {};
            }),
        },
      },
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: async () => {
          const decision = this.policy.onCrash();
          if (!decision.restart) {
            this.emit("crashed");
            void vscode.window
              .showErrorMessage(`Aurelis: the language server crashed ${decision.crashes} times in a row.`, "Restart Server")
              .then((c) => c && vscode.commands.executeCommand("aurelis.restartServer"));
            return { action: CloseAction.DoNotRestart, handled: true };
          }
          this.log.warn(`server exited; restarting in ${decision.delayMs} ms (attempt ${decision.attempt})`);
          this.emit("restarting");
          await new Promise((r) => setTimeout(r, decision.delayMs));
          return { action: CloseAction.Restart, handled: true };
        },
      },
    };
    this.client = new LanguageClient(
      "aurelis",
      "Aurelis",
      { command: candidate.command, args: candidate.args, options: { env: { ...process.env } } },
      options,
    );
    const client = this.client;
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.watchProgress(client); // (re)installed after every (re)start, once the built-in one is
        this.emit("running");
      }
      if (e.newState === State.Stopped) {
        this.progress.clear();
        for (const l of this.progressListeners) l(undefined);
        this.emit("stopped");
      }
    });
    await this.client.start();
    const missing = missingCommands(this.serverCommands);
    if (missing.length) this.log.warn(`the server does not provide: ${missing.join(", ")}`);
    return true;
  }

  private traceChannel(): TraceChannel {
    const setting = () => vscode.workspace.getConfiguration(SECTION).get("trace.server");
    if (!this.trace) {
      const trace = new TraceChannel(vscode.window.createOutputChannel("Aurelis Trace", { log: true }), setting());
      this.traceWatch = vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.trace.server`)) trace.setSetting(setting());
      });
      this.trace = trace;
    }
    return this.trace;
  }

  async restart(): Promise<void> {
    this.policy.reset();
    const old = this.client;
    this.client = undefined;
    if (old) await old.dispose().catch((e: unknown) => this.log.warn(`stopping the old server: ${String(e)}`));
    await this.start();
  }

  /** Send one server command; a command the server does not provide is a clear error. */
  async execute<R = unknown>(request: CommandRequest, token?: vscode.CancellationToken): Promise<R> {
    const client = this.client;
    if (!client || client.state !== State.Running) throw new Error("the Aurelis language server is not running");
    if (missingCommands(this.serverCommands, [request.command]).length) {
      throw new Error(`this Aurelis server does not provide ${request.command}; update the server`);
    }
    return (await client.sendRequest(ExecuteCommandRequest.type, request, token)) as R;
  }

  async dispose(): Promise<void> {
    await this.client?.dispose();
    this.traceWatch?.dispose();
    this.trace?.dispose();
  }
}
