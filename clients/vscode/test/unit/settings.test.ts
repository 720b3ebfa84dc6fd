import * as assert from "node:assert/strict";
import { test } from "node:test";
import { configurationAnswer, defaultsFromContributions, explicitSettings, serverSettings } from "../../src/settings";
import { manifest } from "./manifest";

test("serverSettings drops the client-only keys and methods, keeps the rest", () => {
  const section = {
    server: { command: ["x"] },
    trace: { server: "verbose" },
    index: { enabled: false, exclude: ["*.gen.py"] },
    log_level: "debug",
    get: () => 1, // VS Code's WorkspaceConfiguration carries methods
  };
  assert.deepEqual(serverSettings(section), { index: { enabled: false, exclude: ["*.gen.py"] }, log_level: "debug" });
  assert.deepEqual(section.server, { command: ["x"] }, "the input is not modified");
  assert.deepEqual(serverSettings(undefined), {});
  assert.deepEqual(serverSettings([1, 2]), {});
});

test("configurationAnswer answers each item for its scope", () => {
  const seen: [string | undefined, string | undefined][] = [];
  const read = (section: string | undefined, scope: string | undefined) => {
    seen.push([section, scope]);
    if (section === "aurelis") return { trace: { server: "off" }, index: { enabled: scope === undefined } };
    if (section === "aurelis.index") return { enabled: true };
    return undefined;
  };
  const answer = configurationAnswer(
    [{ section: "aurelis" }, { section: "aurelis", scopeUri: "file:///w" }, { section: "aurelis.index" }, { section: "other" }],
    read,
  );
  assert.deepEqual(answer, [{ index: { enabled: true } }, { index: { enabled: false } }, { enabled: true }, null]);
  assert.deepEqual(seen[1], ["aurelis", "file:///w"]);
});

test("defaultsFromContributions builds the nested section VS Code would return", () => {
  const nested = defaultsFromContributions({
    "aurelis.log_level": { default: "info" },
    "aurelis.index.enabled": { default: true },
    "aurelis.index.exclude": { default: [] },
    "aurelis.server.command": { default: [] },
    "other.thing": { default: 1 },
  });
  assert.deepEqual(nested, { log_level: "info", index: { enabled: true, exclude: [] }, server: { command: [] } });
});

test("the manifest's defaults, minus client-only keys, are what the server gets by default", () => {
  const defaults = serverSettings(defaultsFromContributions(manifest().contributes.configuration.properties));
  assert.equal(Object.hasOwn(defaults, "server"), false);
  assert.equal(Object.hasOwn(defaults, "trace"), false);
  assert.equal(defaults.log_level, "info");
  assert.equal((defaults.index as Record<string, unknown>).enabled, true);
});

test("explicitSettings sends only what the user set, most specific scope first, nested", () => {
  const layers: Record<string, { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown }> = {
    "index.enabled": { globalValue: false },
    "index.exclude": { globalValue: ["a"], workspaceValue: ["b"], workspaceFolderValue: ["c"] },
    "log_level": { workspaceValue: "debug" },
    "server.command": { globalValue: ["x"] },
    "trace.server": { globalValue: "verbose" },
  };
  const keys = ["aurelis.index.enabled", "aurelis.index.exclude", "aurelis.index.model", "aurelis.log_level", "aurelis.server.command", "aurelis.trace.server"];
  const asked: string[] = [];
  const out = explicitSettings(keys, (key) => {
    asked.push(key);
    return layers[key];
  });
  assert.deepEqual(out, { index: { enabled: false, exclude: ["c"] }, log_level: "debug" });
  assert.deepEqual(asked, ["index.enabled", "index.exclude", "index.model", "log_level"], "client-only keys are not even read");
  assert.deepEqual(explicitSettings(keys, () => undefined), {}, "nothing set: nothing sent, so pyproject.toml and server defaults apply");
});
