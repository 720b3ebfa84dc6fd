// The language client: finds the server command, starts it, answers workspace/configuration,
// restarts on crash with backoff, and exposes `execute` for the palette commands.

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  State,
} from "vscode-languageclient/node";
import { RestartPolicy } from "./backoff";
import { CommandRequest, missingCommands } from "./protocol";
import { Candidate, candidates, notFoundMessage, probe } from "./serverCommand";
import { configurationAnswer, SECTION, serverSettings } from "./settings";

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

function run(candidate: Candidate): Promise<string | undefined> {
  // resolves to undefined on success, else the error text
  return new Promise((resolve) => {
    execFile(candidate.command, candidate.args, { timeout: 30_000 }, (err, _stdout, stderr) => {
      resolve(err ? (stderr.trim().split("\n").pop() || err.message) : undefined);
    });
  });
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
  const errors: string[] = [];
  for (const candidate of tried) {
    const error = await run(probe(candidate));
    if (error === undefined) {
      log.info(`server: ${[candidate.command, ...candidate.args].join(" ")} (from ${candidate.source})`);
      return candidate;
    }
    errors.push(error);
  }
  const message = notFoundMessage(tried, errors);
  log.error(message);
  void vscode.window.showErrorMessage(message, "How to install", "Open Settings").then((choice) => {
    if (choice === "How to install") void vscode.commands.executeCommand("markdown.showPreview", readme);
    if (choice === "Open Settings") void vscode.commands.executeCommand("workbench.action.openSettings", "aurelis.server.command");
  });
  return undefined;
}

export class AurelisClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly policy = new RestartPolicy();
  private readonly stateListeners: ((state: string) => void)[] = [];

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly readme: vscode.Uri,
  ) {}

  onState(listener: (state: string) => void): void {
    this.stateListeners.push(listener);
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

  async start(): Promise<boolean> {
    const candidate = await findServer(this.log, this.readme);
    if (!candidate) {
      this.emit("not found");
      return false;
    }
    const options: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: this.log,
      initializationOptions: serverSettings(vscode.workspace.getConfiguration(SECTION)),
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.py,pyproject.toml,.gitignore,.aurelisignore}") },
      middleware: {
        workspace: {
          configuration: (params) =>
            configurationAnswer(params.items, (section, scopeUri) => {
              const scope = scopeUri ? vscode.Uri.parse(scopeUri) : undefined;
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
    this.client.onDidChangeState((e) => {
      if (e.newState === State.Running) this.emit("running");
      if (e.newState === State.Stopped) this.emit("stopped");
    });
    await this.client.start();
    const missing = missingCommands(this.serverCommands);
    if (missing.length) this.log.warn(`the server does not provide: ${missing.join(", ")}`);
    return true;
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
  }
}
