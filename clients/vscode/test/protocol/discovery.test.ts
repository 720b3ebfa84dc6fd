// Server discovery with real executables: the repository's venv has `aurelis` and `python -m
// aurelis`; the system Python does not have the package.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { candidates, check, firstWorking, notFoundMessage } from "../../src/serverCommand";
import { PYTHON, pythonCandidate } from "./harness";

const VENV_BIN = path.dirname(PYTHON);
const SYSTEM_PYTHON = "/usr/bin/python3";

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

test("with the venv on PATH the extension starts `aurelis serve` from it, and its probe runs", async () => {
  const tried = candidates({ configured: [], env: { PATH: VENV_BIN }, platform: process.platform, python: PYTHON, isExecutable });
  assert.deepEqual(tried.map((c) => c.source), ["path", "python"]);
  assert.equal(tried[0].command, path.join(VENV_BIN, "aurelis"));
  const { found, errors } = await firstWorking(tried);
  assert.deepEqual(errors, []);
  assert.equal(found, tried[0]);
  assert.equal(await check(pythonCandidate()), undefined, "python -m aurelis --version works too");
});

test("an interpreter without the package is skipped with its reason; the next one is used", async (t) => {
  if (!isExecutable(SYSTEM_PYTHON)) {
    // still exercise the fallback with a command that certainly fails
    t.diagnostic(`${SYSTEM_PYTHON} not present; using a missing interpreter instead`);
  }
  const broken = isExecutable(SYSTEM_PYTHON) ? SYSTEM_PYTHON : path.join(VENV_BIN, "no-such-python");
  const tried = [
    ...candidates({ configured: [], env: { PATH: "" }, platform: process.platform, python: broken, isExecutable }),
    pythonCandidate(),
  ];
  const { found, errors } = await firstWorking(tried);
  assert.equal(found, tried[1]);
  assert.equal(errors.length, 1);
  if (broken === SYSTEM_PYTHON) assert.match(errors[0], /No module named aurelis/);
  const message = notFoundMessage(tried.slice(0, 1), errors);
  assert.ok(message.includes(`\`${broken} -m aurelis serve\``), message);
  assert.match(message, /pip install aurelis/);
});

test("an explicit aurelis.server.command that does not run is reported, not replaced", async () => {
  const tried = candidates({
    configured: [path.join(VENV_BIN, "no-such-aurelis"), "serve"],
    env: { PATH: VENV_BIN },
    platform: process.platform,
    python: PYTHON,
    isExecutable,
  });
  assert.equal(tried.length, 1);
  const { found, errors } = await firstWorking(tried);
  assert.equal(found, undefined);
  assert.match(errors[0], /ENOENT/);
});
