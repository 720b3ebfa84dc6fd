import * as assert from "node:assert/strict";
import { test } from "node:test";
import { ExtensionCommand } from "../../src/ids";
import { ALL_SERVER_COMMANDS } from "../../src/protocol";
import { manifest } from "./manifest";

test("package.json contributes exactly the commands the extension registers", () => {
  const contributed = manifest().contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(contributed, Object.values(ExtensionCommand).sort());
  for (const c of manifest().contributes.commands) assert.equal(c.category, "Aurelis");
});

test("extension command ids never collide with server commands (the client registers those itself)", () => {
  const server = new Set<string>([...ALL_SERVER_COMMANDS, "aurelis.syntaxTree"]);
  for (const id of Object.values(ExtensionCommand)) assert.equal(server.has(id), false, id);
});

test("every menu entry points at a contributed command; the editor menu has the six editor commands", () => {
  const m = manifest();
  const ids = new Set(m.contributes.commands.map((c) => c.command));
  for (const entries of Object.values(m.contributes.menus)) for (const e of entries) assert.ok(ids.has(e.command), e.command);
  assert.deepEqual(
    m.contributes.menus["editor/context"].map((e) => e.command),
    [
      ExtensionCommand.explainSelection,
      ExtensionCommand.generateCode,
      ExtensionCommand.fixWithAI,
      ExtensionCommand.writeDocstring,
      ExtensionCommand.writeTests,
      ExtensionCommand.reviewCode,
    ],
  );
});

test("every setting has a type, a default and a description", () => {
  for (const [key, s] of Object.entries(manifest().contributes.configuration.properties)) {
    assert.ok(s.type, `${key}: type`);
    assert.ok("default" in s, `${key}: default`);
    assert.equal(typeof s.description, "string", `${key}: description`);
    if (s.enum) assert.ok(s.enum.includes(s.default), `${key}: default is one of the enum`);
  }
});

test("the client-only settings are contributed", () => {
  const props = manifest().contributes.configuration.properties;
  assert.deepEqual(props["aurelis.server.command"].default, []);
  assert.deepEqual(props["aurelis.trace.server"].enum, ["off", "messages", "verbose"]);
});

test("the server command cannot come from an untrusted workspace's settings", () => {
  const m = manifest() as unknown as {
    capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
    contributes: { configuration: { properties: Record<string, { scope?: string }> } };
  };
  assert.equal(m.capabilities.untrustedWorkspaces.supported, "limited");
  assert.deepEqual(m.capabilities.untrustedWorkspaces.restrictedConfigurations, ["aurelis.server.command"]);
  assert.equal(m.contributes.configuration.properties["aurelis.server.command"].scope, "machine-overridable");
});

test("section settings may differ per workspace folder (scope resource), as the server resolves them per folder", () => {
  const props = manifest().contributes.configuration.properties as Record<string, { scope?: string }>;
  for (const [key, entry] of Object.entries(props)) {
    if (key.startsWith("aurelis.server.") || key.startsWith("aurelis.trace.")) continue;
    const expected = key.split(".").length > 2 ? "resource" : "window";
    assert.equal(entry.scope, expected, key);
  }
});
