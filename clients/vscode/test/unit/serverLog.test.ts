import * as assert from "node:assert/strict";
import { test } from "node:test";
import { Level, parseServerLine, stderrLines } from "../../src/serverLog";

function recorder() {
  const lines: [Level, string][] = [];
  const at = (level: Level) => (message: string) => void lines.push([level, message]);
  return { lines, sink: { trace: at("trace"), debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}

test("each stderr line of `aurelis serve` lands at its own level, without the timestamp", () => {
  const { lines, sink } = recorder();
  const onLine = stderrLines(sink);
  for (const line of [
    "2026-12-04 14:19:09,480 INFO aurelis.index.service: index of /w loaded: 12 chunks",
    "2026-12-04 14:19:09,481 DEBUG aurelis.lsp: didChange",
    "2026-12-04 14:19:09,482 WARNING aurelis.lsp.handlers.configuration: Aurelis: setting 'x' ...",
    "2026-12-04 14:19:09,483 ERROR aurelis.index.service: indexing /w failed",
    "Traceback (most recent call last):",
    '  File "x.py", line 1, in <module>',
    "2026-12-04 14:19:10,000 CRITICAL aurelis: out of memory",
  ]) {
    onLine(line);
  }
  assert.deepEqual(lines, [
    ["info", "aurelis.index.service: index of /w loaded: 12 chunks"],
    ["debug", "aurelis.lsp: didChange"],
    ["warn", "aurelis.lsp.handlers.configuration: Aurelis: setting 'x' ..."],
    ["error", "aurelis.index.service: indexing /w failed"],
    ["error", "Traceback (most recent call last):"], // a continuation keeps its record's level
    ["error", '  File "x.py", line 1, in <module>'],
    ["error", "aurelis: out of memory"],
  ]);
});

test("an INFO record's continuation stays info; output before any record is an error (failed start)", () => {
  const { lines, sink } = recorder();
  const onLine = stderrLines(sink);
  onLine("/usr/bin/python: No module named aurelis");
  onLine("2026-12-04 14:19:09,480 INFO aurelis: settings:");
  onLine("  index.enabled = true");
  assert.deepEqual(
    lines.map(([level]) => level),
    ["error", "info", "info"],
  );
});

test("lines that only look like records are not parsed as one", () => {
  assert.equal(parseServerLine("INFO something"), undefined);
  assert.equal(parseServerLine("2026-12-04 14:19:09,480 NOTICE x: y"), undefined);
  assert.deepEqual(parseServerLine("2026-12-04T14:19:09.480 WARNING a: b"), { level: "warn", text: "a: b" });
});
