// A real `aurelis serve` over stdio, driven with vscode-languageserver-protocol the way the
// extension's language client drives it, plus the OpenAI-compatible fake LLM the tests may use.

import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import {
  ApplyWorkspaceEditParams,
  ConfigurationParams,
  createProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  ProtocolConnection,
  ShowMessageNotification,
  ShowMessageParams,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateParams,
  WorkDoneProgressCreateRequest,
} from "vscode-languageserver-protocol/node";
import { ProgressTracker, ProgressValue, Token } from "../../src/progress";
import { Candidate, candidates } from "../../src/serverCommand";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..", "..", "..");
export const PYTHON = process.env.AURELIS_PYTHON ?? path.join(REPO_ROOT, ".venv", "bin", "python");

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Poll `predicate` until it returns a truthy value (server notifications arrive asynchronously). */
export async function waitUntil<T>(predicate: () => T | Promise<T>, timeoutMs = 60_000, what = "condition"): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface FakeLlm {
  port: number;
  baseUrl: string;
  /** Change the default reply (the fake's `POST /_control/reply`). */
  setReply(text: string): Promise<void>;
  stop(): void;
}

/** `python -m tests.support.fake_llm --port 0`: prints `PORT=<n>` first, then serves. */
export async function startFakeLlm(reply: string): Promise<FakeLlm> {
  const proc = spawn(PYTHON, ["-m", "tests.support.fake_llm", "--port", "0", "--reply", reply], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = readline.createInterface({ input: proc.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`fake LLM exited with ${code}`)));
    lines.on("line", (line) => {
      const m = /^PORT=(\d+)$/.exec(line.trim());
      if (m) resolve(Number(m[1]));
    });
  });
  const setReply = async (text: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/_control/reply`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    if (!res.ok) throw new Error(`fake LLM /_control/reply: HTTP ${res.status}`);
  };
  return { port, baseUrl: `http://127.0.0.1:${port}/v1`, setReply, stop: () => proc.kill() };
}

export interface Session {
  connection: ProtocolConnection;
  process: ChildProcess;
  messages: ShowMessageParams[];
  diagnostics: Map<string, PublishDiagnosticsParams>;
  edits: ApplyWorkspaceEditParams[];
  configurationRequests: ConfigurationParams[];
  stderr: string[];
  /** Every server-created `$/progress` value, fed to the extension's tracker as the client does. */
  progress: { token: Token; value: ProgressValue }[];
  tracker: ProgressTracker;
  /** Tokens the test cancelled, as VS Code's cancel button makes the extension do. */
  cancelled: Token[];
  close(): Promise<void>;
}

export type ConfigurationHandler = (params: ConfigurationParams) => unknown[];

/** The command line the extension picks when the Python interpreter is PYTHON and PATH has no `aurelis`. */
export function pythonCandidate(): Candidate {
  const [candidate] = candidates({ configured: [], env: { PATH: "" }, platform: process.platform, python: PYTHON, isExecutable: () => false });
  return candidate;
}

/** Spawn the server as the extension would (`python -m aurelis serve`) and answer its requests the way VS Code does. */
export function startServer(
  answerConfiguration: ConfigurationHandler,
  env: Record<string, string> = {},
  cancelFirst?: RegExp,
): Session {
  const server = pythonCandidate();
  const proc = spawn(server.command, server.args, {
    cwd: REPO_ROOT,
    env: { ...process.env, HF_HUB_OFFLINE: "1", TRANSFORMERS_OFFLINE: "1", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  proc.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const connection = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const session: Session = {
    connection,
    process: proc,
    messages: [],
    diagnostics: new Map(),
    edits: [],
    configurationRequests: [],
    stderr,
    progress: [],
    tracker: new ProgressTracker(),
    cancelled: [],
    close: async () => {
      try {
        await connection.sendRequest("shutdown");
        await connection.sendNotification("exit");
      } catch {
        // already gone
      }
      await waitUntil(() => proc.exitCode !== null || proc.signalCode !== null, 15_000, "server exit").catch(() => proc.kill());
      connection.dispose();
    },
  };
  connection.onRequest("workspace/configuration", (params: ConfigurationParams) => {
    session.configurationRequests.push(params);
    return answerConfiguration(params);
  });
  connection.onRequest("workspace/applyEdit", (params: ApplyWorkspaceEditParams) => {
    session.edits.push(params);
    return { applied: true };
  });
  connection.onRequest(WorkDoneProgressCreateRequest.type, ({ token }: WorkDoneProgressCreateParams) => {
    const subscription = connection.onProgress(WorkDoneProgress.type, token, (value) => {
      session.progress.push({ token, value });
      session.tracker.apply(token, value);
      if (value.kind === "begin" && cancelFirst?.test(value.title) && session.cancelled.length === 0) {
        session.cancelled.push(token);
        void connection.sendNotification(WorkDoneProgressCancelNotification.type, { token });
      }
      if (value.kind === "end") subscription.dispose();
    });
  });
  connection.onRequest("client/registerCapability", () => null);
  connection.onRequest("client/unregisterCapability", () => null);
  connection.onRequest("workspace/codeLens/refresh", () => null);
  connection.onRequest("workspace/diagnostic/refresh", () => null);
  connection.onNotification(ShowMessageNotification.type, (params: ShowMessageParams) => {
    session.messages.push(params);
  });
  connection.onNotification("window/logMessage", () => undefined);
  connection.onNotification(PublishDiagnosticsNotification.type, (params: PublishDiagnosticsParams) => {
    session.diagnostics.set(params.uri, params);
  });
  connection.listen();
  return session;
}
