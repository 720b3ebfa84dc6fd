import * as assert from "node:assert/strict";
import { test } from "node:test";
import type * as vscode from "vscode";
import { LOG_LEVEL, TraceChannel, traceLevel } from "../../src/traceChannel";

/** A LogOutputChannel that, like VS Code's, drops trace() below its level and records the rest. */
function fakeChannel(level: number) {
  const written: string[] = [];
  let listener: ((l: number) => void) | undefined;
  const channel = {
    name: "Aurelis Trace",
    logLevel: level,
    onDidChangeLogLevel: (l: (l: number) => void) => ((listener = l), { dispose() {} }),
    appendLine: (v: string) => void written.push(v),
    trace: (v: string) => void (channel.logLevel <= LOG_LEVEL.Trace && written.push(v)),
    info: (v: string) => void written.push(v),
    dispose() {},
  };
  return { channel, written, setLevel: (l: number) => ((channel.logLevel = l), listener?.(l)) };
}

test("the trace setting, not the channel's Info level, decides whether the client traces", () => {
  assert.equal(traceLevel("messages", LOG_LEVEL.Info), LOG_LEVEL.Trace);
  assert.equal(traceLevel("verbose", LOG_LEVEL.Warning), LOG_LEVEL.Trace);
  assert.equal(traceLevel("off", LOG_LEVEL.Info), LOG_LEVEL.Info);
  assert.equal(traceLevel(undefined, LOG_LEVEL.Trace), LOG_LEVEL.Trace); // Developer: Set Log Level still works
});

test("traced messages are written although the channel's own level is Info", () => {
  const { channel, written } = fakeChannel(LOG_LEVEL.Info);
  const trace = new TraceChannel(channel as unknown as vscode.LogOutputChannel, "messages");
  assert.equal(trace.logLevel, LOG_LEVEL.Trace);
  trace.trace("[Trace - 10:00:00] Sending request 'initialize - (0)'.");
  assert.deepEqual(written, ["[Trace - 10:00:00] Sending request 'initialize - (0)'."]);
});

test("changing the setting or the channel level tells the client (it turns $/setTrace on or off)", () => {
  const { channel, setLevel } = fakeChannel(LOG_LEVEL.Info);
  const trace = new TraceChannel(channel as unknown as vscode.LogOutputChannel, "off");
  const seen: number[] = [];
  trace.onDidChangeLogLevel((l) => void seen.push(l));
  trace.setSetting("verbose");
  trace.setSetting("verbose"); // no change, no event
  trace.setSetting("off");
  setLevel(LOG_LEVEL.Debug);
  assert.deepEqual(seen, [LOG_LEVEL.Trace, LOG_LEVEL.Info, LOG_LEVEL.Debug]);
});
