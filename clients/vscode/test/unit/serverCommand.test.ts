import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { candidates, findOnPath, INSTALL_HINT, notFoundMessage, probe } from "../../src/serverCommand";

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function tempBin(names: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aurelis-bin-"));
  for (const name of names) {
    fs.writeFileSync(path.join(dir, name), "#!/bin/sh\n", { mode: 0o755 });
  }
  return dir;
}

test("an explicit aurelis.server.command is the only candidate", () => {
  const c = candidates({
    configured: ["/opt/py/bin/python", "-m", "aurelis", "serve", "--log-level", "debug"],
    env: { PATH: tempBin(["aurelis"]) },
    platform: "linux",
    python: "/usr/bin/python3",
    isExecutable,
  });
  assert.deepEqual(c, [{ command: "/opt/py/bin/python", args: ["-m", "aurelis", "serve", "--log-level", "debug"], source: "setting" }]);
});

test("aurelis on PATH comes first, then the active interpreter's -m aurelis", () => {
  const empty = tempBin([]);
  const bin = tempBin(["aurelis"]);
  const c = candidates({ configured: [], env: { PATH: `${empty}:${bin}` }, platform: "linux", python: "/venv/bin/python", isExecutable });
  assert.deepEqual(c, [
    { command: path.join(bin, "aurelis"), args: ["serve"], source: "path" },
    { command: "/venv/bin/python", args: ["-m", "aurelis", "serve"], source: "python" },
  ]);
  const noPath = candidates({ configured: [" "], env: { PATH: empty }, platform: "linux", python: "/venv/bin/python", isExecutable });
  assert.deepEqual(noPath.map((x) => x.source), ["python"]);
  assert.deepEqual(candidates({ configured: [], env: {}, platform: "linux", isExecutable }), []);
});

test("a non-executable file named aurelis on PATH is not taken", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aurelis-bin-"));
  fs.writeFileSync(path.join(dir, "aurelis"), "", { mode: 0o644 });
  assert.equal(findOnPath("aurelis", { env: { PATH: dir }, platform: "linux", isExecutable }), undefined);
});

test("on Windows PATH is ;-separated and PATHEXT is tried", () => {
  const seen: string[] = [];
  const found = findOnPath("aurelis", {
    env: { PATH: "C:\\a;C:\\b", PATHEXT: ".EXE;.CMD" },
    platform: "win32",
    isExecutable: (f) => {
      seen.push(f);
      return f === "C:\\b\\aurelis.CMD";
    },
  });
  assert.equal(found, "C:\\b\\aurelis.CMD");
  assert.deepEqual(seen, ["C:\\a\\aurelis.EXE", "C:\\a\\aurelis.CMD", "C:\\b\\aurelis.EXE", "C:\\b\\aurelis.CMD"]);
});

test("probe swaps a trailing serve for --version", () => {
  assert.deepEqual(probe({ command: "py", args: ["-m", "aurelis", "serve"], source: "python" }).args, ["-m", "aurelis", "--version"]);
  assert.deepEqual(probe({ command: "my-wrapper", args: [], source: "setting" }).args, ["--version"]);
});

test("the not-found message names each attempt and how to install", () => {
  const msg = notFoundMessage([{ command: "/venv/bin/python", args: ["-m", "aurelis", "serve"], source: "python" }], ["No module named aurelis"]);
  assert.match(msg, /`\/venv\/bin\/python -m aurelis serve`: No module named aurelis/);
  assert.ok(msg.endsWith(INSTALL_HINT));
  assert.match(notFoundMessage([], []), /no `aurelis` on PATH/);
});
