// Entry point: wires the client, the commands and the status bar together.

import * as fs from "node:fs";
import * as vscode from "vscode";
import { AurelisClient } from "./client";
import { ANSWER_SCHEME, AnswerDocuments, registerCommands } from "./commands";
import { ExtensionCommand } from "./ids";
import { missingCommands, ServerCommand, statusRequest } from "./protocol";
import { SECTION } from "./settings";
import { answerProvider, configuredProvider, Progress, statusView } from "./views";

let client: AurelisClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel("Aurelis", { log: true });
  // vsce stores the README as readme.md; a development checkout has README.md
  const readme = ["readme.md", "README.md"]
    .map((name) => vscode.Uri.joinPath(context.extensionUri, name))
    .find((uri) => fs.existsSync(uri.fsPath)) ?? vscode.Uri.joinPath(context.extensionUri, "README.md");
  const contributed = (context.extension.packageJSON as { contributes?: { configuration?: { properties?: object } } })
    .contributes?.configuration?.properties;
  client = new AurelisClient(log, readme, Object.keys(contributed ?? {}));
  const answers = new AnswerDocuments();
  const bar = vscode.window.createStatusBarItem("aurelis.status", vscode.StatusBarAlignment.Left, 10);
  bar.name = "Aurelis";
  bar.command = ExtensionCommand.showStatus;
  bar.text = "$(sync~spin) Aurelis";
  bar.show();

  // The status bar polls `aurelis.status`: often while the index is busy, rarely when idle.
  // Running work-done progress updates it at once.
  let serverState = "starting";
  let lastStatus: unknown;
  let progress: Progress | undefined;
  let usedProvider: string | undefined; // the provider that answered last, else the configured one
  let timer: NodeJS.Timeout | undefined;
  const render = (): boolean => {
    const provider = usedProvider ?? configuredProvider(vscode.workspace.getConfiguration(SECTION).get("ai"));
    const view = statusView(lastStatus, progress, client?.running ? "running" : serverState, provider);
    bar.text = view.text;
    bar.tooltip = view.tooltip;
    return view.busy;
  };
  const refreshStatus = (): void => {
    if (timer) clearTimeout(timer);
    const c = client;
    if (!c || !c.running || missingCommands(c.serverCommands, [ServerCommand.status]).length) {
      render();
      return;
    }
    c.execute(statusRequest())
      .then((status) => {
        lastStatus = status;
        timer = setTimeout(refreshStatus, render() ? 1_500 : 15_000);
      })
      .catch((err: unknown) => {
        log.warn(`aurelis.status failed: ${String(err)}`);
        timer = setTimeout(refreshStatus, 15_000);
      });
  };
  client.onState((state) => {
    serverState = state;
    refreshStatus();
  });
  client.onProgress((p) => {
    progress = p;
    if (p === undefined) refreshStatus(); // something finished: the index state may have changed
    else render();
  });

  context.subscriptions.push(
    log,
    bar,
    vscode.workspace.registerTextDocumentContentProvider(ANSWER_SCHEME, answers),
    ...registerCommands({
      client,
      answers,
      log,
      refreshStatus,
      noteProvider: (result) => {
        const name = answerProvider(result);
        if (name && name !== usedProvider) {
          usedProvider = name;
          render();
        }
      },
    }),
    { dispose: () => timer && clearTimeout(timer) },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      usedProvider = undefined; // the provider list may have changed
      render();
    }),
  );
  try {
    await client.start();
  } catch (err) {
    // the commands stay registered: Restart Server can try again once the problem is fixed
    const message = err instanceof Error ? err.message : String(err);
    log.error(`starting the server failed: ${message}`);
    void vscode.window.showErrorMessage(`Aurelis: the language server did not start: ${message}`);
  }
  refreshStatus();
}

export async function deactivate(): Promise<void> {
  await client?.dispose();
  client = undefined;
}
