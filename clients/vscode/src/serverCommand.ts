// How the language server is started: the `aurelis.server.command` setting when set, else
// `aurelis serve` from PATH, else `<active python> -m aurelis serve`. Pure: file checks and the
// environment are passed in.

import { execFile } from "node:child_process";
import * as path from "node:path";

export type Source = "setting" | "path" | "python";

export interface Candidate {
  command: string;
  args: string[];
  source: Source;
}

export interface Environment {
  PATH?: string;
  PATHEXT?: string;
}

export interface Inputs {
  configured: readonly string[];
  env: Environment;
  platform: NodeJS.Platform;
  /** The interpreter the Python extension has selected (or `python.defaultInterpreterPath`). */
  python?: string;
  isExecutable: (file: string) => boolean;
}

export const INSTALL_HINT =
  "Install the server into the Python environment VS Code uses (`python -m pip install aurelis`), " +
  "or set `aurelis.server.command` to a command line that runs `aurelis serve`.";

/** `name` on PATH (with PATHEXT on Windows), or undefined. */
export function findOnPath(name: string, inputs: Pick<Inputs, "env" | "platform" | "isExecutable">): string | undefined {
  const win = inputs.platform === "win32";
  const sep = win ? ";" : ":";
  const exts = win ? (inputs.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").filter(Boolean) : [""];
  const join = win ? path.win32.join : path.posix.join;
  for (const dir of (inputs.env.PATH ?? "").split(sep)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = join(dir, name + ext);
      if (inputs.isExecutable(file)) return file;
    }
  }
  return undefined;
}

/** Candidates in the order they are tried; an explicit setting is the only one when present. */
export function candidates(inputs: Inputs): Candidate[] {
  const configured = inputs.configured.filter((part) => part.trim() !== "");
  if (configured.length > 0) {
    return [{ command: configured[0], args: configured.slice(1), source: "setting" }];
  }
  const out: Candidate[] = [];
  const onPath = findOnPath("aurelis", inputs);
  if (onPath) out.push({ command: onPath, args: ["serve"], source: "path" });
  if (inputs.python) out.push({ command: inputs.python, args: ["-m", "aurelis", "serve"], source: "python" });
  return out;
}

/** The command line that checks a candidate works without starting a server (`--version`). */
export function probe(candidate: Candidate): Candidate {
  const args = candidate.args[candidate.args.length - 1] === "serve" ? candidate.args.slice(0, -1) : candidate.args;
  return { ...candidate, args: [...args, "--version"] };
}

/** The message shown when no candidate worked; names what was tried. */
export function notFoundMessage(tried: readonly Candidate[], errors: readonly string[]): string {
  if (tried.length === 0) {
    return `Aurelis: no language server found (no \`aurelis\` on PATH and no Python interpreter selected). ${INSTALL_HINT}`;
  }
  const lines = tried.map((c, i) => `\`${[c.command, ...c.args].join(" ")}\`: ${errors[i] ?? "failed"}`);
  return `Aurelis: could not start the language server. Tried ${lines.join("; ")}. ${INSTALL_HINT}`;
}

/** Run the candidate's `--version` probe: undefined when it works, else the reason it did not. */
export function check(candidate: Candidate, timeoutMs = 30_000): Promise<string | undefined> {
  const p = probe(candidate);
  return new Promise((resolve) => {
    execFile(p.command, p.args, { timeout: timeoutMs }, (err, _stdout, stderr) => {
      if (!err) return resolve(undefined);
      const last = String(stderr).trim().split("\n").pop();
      resolve(last || err.message);
    });
  });
}

/** The first candidate that passes `check`, and the reasons the others before it failed. */
export async function firstWorking(
  tried: readonly Candidate[],
  test: (c: Candidate) => Promise<string | undefined> = check,
): Promise<{ found?: Candidate; errors: string[] }> {
  const errors: string[] = [];
  for (const candidate of tried) {
    const error = await test(candidate);
    if (error === undefined) return { found: candidate, errors };
    errors.push(error);
  }
  return { errors };
}
