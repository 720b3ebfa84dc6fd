// Protocol-level test: the real `aurelis serve`, driven with the extension's own request builders,
// settings code and result views, so the extension and the server cannot disagree on names,
// argument shapes or answers.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { ExecuteCommandRequest, InitializeResult, ResponseError } from "vscode-languageserver-protocol/node";
import {
  ALL_SERVER_COMMANDS,
  askRequest,
  CommandRequest,
  Diagnostic,
  docstringRequest,
  explainRequest,
  fixRequest,
  generateRequest,
  implementRequest,
  missingCommands,
  planRequest,
  reindexRequest,
  reportRequest,
  reviewRequest,
  searchRequest,
  ServerCommand,
  ServerCommandName,
  statusRequest,
  testsRequest,
} from "../../src/protocol";
import { ExtensionCommand } from "../../src/ids";
import { ProgressTracker } from "../../src/progress";
import { configurationAnswer, defaultsFromContributions, explicitSettings, JsonObject, SECTION, serverSettings } from "../../src/settings";
import { answerProvider, resultMarkdown, searchItems, statusView } from "../../src/views";
import { manifest } from "../unit/manifest";
import { FakeLlm, Session, startFakeLlm, startServer, tempDir, waitUntil } from "./harness";

const REPLY = "The function adds two numbers.\n\n```python\ndef add(a, b):\n    \"\"\"Return a + b.\"\"\"\n    return a + b\n```";

const FILES: Record<string, string> = {
  "shop/shipping.py":
    '"""Shipping."""\n\n\ndef shipping_cost(weight_kg, express=False):\n    """Cost of sending a parcel, from its weight in kilograms."""\n' +
    "    base = 4.5 + 1.2 * weight_kg\n    return base * 2 if express else base\n",
  "shop/calc.py":
    "def add(a, b):\n    return a + b\n\n\ndef read_config(path):\n    f = open(path)\n    data = f.read()\n    f.close()\n    return data\n",
  "shop/accounts.py":
    '"""Accounts."""\nimport hashlib\n\n\ndef hash_password(password):\n    """Hash a password with a salt so it is never stored in clear."""\n' +
    '    return hashlib.sha256(("salt" + password).encode()).hexdigest()\n',
};

describe("the extension against a real `aurelis serve`", () => {
  let workspace: string;
  let cacheDir: string;
  let llm: FakeLlm;
  let session: Session;
  let init: InitializeResult;
  let calcUri: string;
  let folderUri: string;
  /** VS Code's settings layers as `inspect` reports them: user (global) and folder values, by key. */
  let userLayer: Record<string, unknown>;
  let folderLayer: Record<string, unknown>;

  before(async () => {
    workspace = tempDir("aurelis-vscode-ws-");
    cacheDir = tempDir("aurelis-vscode-cache-");
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(workspace, rel)), { recursive: true });
      fs.writeFileSync(path.join(workspace, rel), text);
    }
    // the folder's own configuration, which VS Code's defaults must not override
    fs.writeFileSync(path.join(workspace, "pyproject.toml"), "[tool.aurelis.index]\nmax_file_bytes = 40960\n");
    calcUri = pathToFileURL(path.join(workspace, "shop/calc.py")).href;
    folderUri = pathToFileURL(workspace).href;
    llm = await startFakeLlm(REPLY);
    userLayer = {
      "server.command": ["/somewhere/aurelis", "serve"],
      "trace.server": "verbose",
      "index.debounce_ms": 321,
      "ai.providers": [{ name: "local", kind: "openai", base_url: llm.baseUrl, model: "test" }],
    };
    folderLayer = { "index.debounce_ms": 654 };
    const keys = Object.keys(manifest().contributes.configuration.properties);
    const userSettings = (scopeUri?: string) =>
      explicitSettings(keys, (key) => ({
        globalValue: userLayer[key],
        workspaceFolderValue: scopeUri === folderUri ? folderLayer[key] : undefined,
      }));
    session = startServer(
      (params) => configurationAnswer(params.items, (section, scopeUri) => (section === SECTION ? userSettings(scopeUri) : undefined)),
      { AURELIS_CACHE_DIR: cacheDir },
      /indexing/, // the first build is cancelled the way the extension forwards VS Code's cancel
    );
    init = await session.connection.sendRequest("initialize", {
      processId: process.pid,
      clientInfo: { name: "Visual Studio Code", version: "1.91.0" },
      rootUri: folderUri,
      workspaceFolders: [{ uri: folderUri, name: "ws" }],
      initializationOptions: userSettings(),
      capabilities: {
        general: { positionEncodings: ["utf-16"] },
        window: { workDoneProgress: true, showMessage: {} },
        workspace: {
          configuration: true,
          workspaceFolders: true,
          applyEdit: true,
          workspaceEdit: { documentChanges: true, resourceOperations: ["create", "rename", "delete"] },
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: true },
          executeCommand: { dynamicRegistration: true },
        },
        textDocument: {
          synchronization: { didSave: true, dynamicRegistration: true },
          publishDiagnostics: { relatedInformation: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "source"] } }, dataSupport: true },
        },
      },
    });
    await session.connection.sendNotification("initialized", {});
    await session.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: calcUri, languageId: "python", version: 1, text: FILES["shop/calc.py"] },
    });
  });

  after(async () => {
    await session?.close();
    llm?.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  const advertised = () => init.capabilities.executeCommandProvider?.commands ?? [];
  const send = (request: CommandRequest) => session.connection.sendRequest(ExecuteCommandRequest.type, request);

  test("the server advertises every command the extension sends", () => {
    assert.ok(Array.isArray(init.capabilities.executeCommandProvider?.commands));
    assert.deepEqual(missingCommands(advertised()), []);
    // vscode-languageclient registers every advertised server command as a VS Code command, so
    // the extension's own command ids must not be among them (registering twice throws)
    for (const id of Object.values(ExtensionCommand)) assert.equal(advertised().includes(id), false, id);
  });

  test("settings reach the server per folder, without client-only keys and without overriding pyproject.toml", async () => {
    await waitUntil(() => session.configurationRequests.length > 0, 30_000, "workspace/configuration request");
    const settings = (uri?: string) =>
      session.connection.sendRequest(ExecuteCommandRequest.type, { command: "aurelis.settings", arguments: [uri ? { uri } : {}] }) as Promise<JsonObject>;
    const folder: JsonObject = await waitUntil(async () => {
      const s = await settings(folderUri);
      return (s.index as JsonObject).debounce_ms === 654 ? s : null;
    }, 30_000, "the folder's debounce_ms");
    assert.equal((folder.index as JsonObject).max_file_bytes, 40960, "pyproject.toml still applies");
    assert.equal(((folder.ai as JsonObject).providers as JsonObject[])[0].base_url, llm.baseUrl, "user settings apply");
    const global = await settings();
    assert.equal((global.index as JsonObject).debounce_ms, 321);
    // every other value is the server's default, which the manifest advertises
    const defaults = serverSettings(defaultsFromContributions(manifest().contributes.configuration.properties));
    assert.equal(global.log_level, defaults.log_level);
    assert.deepEqual(global.analysis, defaults.analysis);
    // A deliberately bad value, pushed the way VS Code does on a settings change, is warned about;
    // warnings come in order, so once it is here any warning about client-only keys would be too.
    userLayer.log_level = "loud";
    await session.connection.sendNotification("workspace/didChangeConfiguration", { settings: null });
    await waitUntil(() => session.messages.some((m) => m.message.includes("log_level")), 30_000, "log_level warning");
    const all = session.messages.map((m) => m.message).join("\n");
    assert.doesNotMatch(all, /'(server|trace)[.']/, all);
    delete userLayer.log_level;
  });

  test("window/workDoneProgress/cancel from the client stops the indexing build", async () => {
    const token = await waitUntil(() => session.cancelled[0], 120_000, "the first indexing progress");
    const end = await waitUntil(
      () => session.progress.find((p) => p.token === token && p.value.kind === "end"),
      120_000,
      "end of the cancelled build",
    );
    assert.deepEqual(end.value, { kind: "end", message: "cancelled" });
  });

  test("aurelis.status and aurelis.reindex answer, and the status bar renders the answer", async () => {
    const started = (await send(reindexRequest())) as { started?: boolean };
    assert.equal(started.started, true);
    const status = await waitUntil(async () => {
      const s = (await send(statusRequest())) as { state?: string };
      return s.state === "ready" ? s : undefined;
    }, 240_000, "index ready");
    // the build's work-done progress, as the extension's tracker saw it: begin … end
    const ended = await waitUntil(
      () => session.progress.find((p) => p.value.kind === "end" && /chunks/.test(p.value.message ?? "")),
      60_000,
      "end of the indexing progress",
    );
    const values = session.progress.filter((p) => p.token === ended.token).map((p) => p.value);
    assert.deepEqual(values[0], { kind: "begin", title: "Aurelis: indexing", message: "scanning", percentage: 0, cancellable: true });
    assert.equal(values.at(-1)?.kind, "end");
    assert.ok(values.some((v) => v.kind === "report" && v.percentage === 100), JSON.stringify(values));
    const midway = new ProgressTracker();
    for (const v of values.slice(0, -1)) midway.apply(ended.token, v);
    // the provider comes from the server's status (its `ai.providers`), not only from the settings
    assert.equal(statusView(status, midway.current()).text, "$(sync~spin) Aurelis: indexing 100% · local");
    // one source of truth: the status counts the files the progress counted
    const counted = values.filter((v) => v.kind === "report").at(-1)?.message;
    const s = status as { files_done?: number; files_total?: number };
    assert.equal(counted, `${s.files_done}/${s.files_total} files`);
    assert.equal(session.tracker.current()?.title === "Aurelis: indexing", false, "no indexing progress is left running");
    const view = statusView(status);
    assert.match(view.text, /Aurelis: ready/);
    assert.equal(view.busy, false);
    assert.match(view.tooltip, /Index: ready, \d+ chunks/);
  });

  test("aurelis.search hits become QuickPick items that jump to the right file and lines", async () => {
    const result = await send(searchRequest("cost of sending a parcel by weight", { k: 3 }));
    const items = searchItems(result);
    assert.ok(items.length > 0, JSON.stringify(result));
    assert.ok(items[0].uri.endsWith("/shop/shipping.py"), items[0].uri);
    assert.equal(items[0].label.includes("shipping_cost"), true, items[0].label);
    assert.equal(items[0].range.start.line, 3);
    const lexical = searchItems(await send(searchRequest("hashlib sha256 salt", { k: 1, mode: "lexical", paths: ["shop/*"] })));
    assert.equal(lexical.length, 1);
    assert.ok(lexical[0].uri.endsWith("/shop/accounts.py"), lexical[0].uri);
  });

  test("wrong argument shapes are InvalidParams from the server (the contract is checked there)", async () => {
    await assert.rejects(
      session.connection.sendRequest(ExecuteCommandRequest.type, { command: ServerCommand.search, arguments: [{ k: 3 }] }),
      (err: unknown) => err instanceof ResponseError && err.code === -32602 && /query/.test(err.message),
    );
  });

  // Every command the extension sends, built by the extension's own builders, and what the
  // extension relies on in each answer.
  const range = { start: { line: 0, character: 0 }, end: { line: 1, character: 16 } };
  type Answer = Record<string, unknown>;
  const lastEdit = (label: string) => {
    const edit = [...session.edits].reverse().find((e) => e.label === label);
    assert.ok(edit, `no workspace/applyEdit labelled ${label}`);
    return edit.edit.documentChanges ?? [];
  };
  const editOf = (label: string) => {
    const change = lastEdit(label)[0] as { textDocument: { uri: string; version: number }; edits: { range: typeof range }[] };
    assert.deepEqual(change.textDocument, { uri: calcUri, version: 1 }, "the edit is for the version the command saw");
    return change.edits[0];
  };
  const markdownOf = (title: string, answer: Answer) => {
    assert.equal(answerProvider(answer), "local");
    const md = resultMarkdown(title, answer);
    assert.ok(md.includes("The function adds two numbers."), md);
  };
  const cases: Record<ServerCommandName, { request: () => Promise<CommandRequest> | CommandRequest; check: (a: Answer) => void }> = {
    [ServerCommand.search]: {
      request: () => searchRequest("add two numbers"),
      check: (a) => assert.ok(searchItems(a).length > 0),
    },
    [ServerCommand.reindex]: { request: () => reindexRequest(), check: (a) => assert.equal(a.started, true) },
    [ServerCommand.status]: { request: () => statusRequest(), check: (a) => assert.equal(typeof a.state, "string") },
    [ServerCommand.explain]: { request: () => explainRequest(calcUri, range), check: (a) => markdownOf("Explanation", a) },
    [ServerCommand.generate]: {
      request: () => generateRequest(calcUri, "add a multiply function", { position: { line: 2, character: 0 } }),
      check: (a) => {
        assert.equal(a.applied, true);
        assert.deepEqual(editOf("Aurelis: generate").range.start, { line: 2, character: 0 });
      },
    },
    [ServerCommand.fix]: {
      request: async () => {
        // as the extension does: the diagnostic under the cursor, as the server published it
        const published = await waitUntil(
          () => session.diagnostics.get(calcUri)?.diagnostics.find((d) => d.code === "AUR106"),
          60_000,
          "AUR106 diagnostic",
        );
        return fixRequest(calcUri, published.range, published as Diagnostic);
      },
      check: (a) => {
        assert.equal(a.applied, true);
        const edited = editOf("Aurelis: fix").range;
        assert.ok(edited.start.line <= 5 && edited.end.line >= 5, JSON.stringify(edited));
      },
    },
    [ServerCommand.docstring]: {
      request: () => docstringRequest(calcUri, { line: 0, character: 4 }),
      check: (a) => {
        assert.equal(a.applied, true);
        editOf("Aurelis: docstring");
      },
    },
    [ServerCommand.tests]: {
      request: () => testsRequest(calcUri, range),
      check: (a) => {
        assert.equal(a.applied, true);
        assert.ok(String(a.uri).endsWith("/tests/test_calc.py"), String(a.uri));
        assert.deepEqual(lastEdit("Aurelis: tests")[0], { kind: "create", uri: a.uri, options: { ignoreIfExists: true } });
      },
    },
    [ServerCommand.review]: {
      request: () => reviewRequest(calcUri, range),
      check: (a) => {
        markdownOf("Review", a);
        // the fake model answers prose, not `LINE: severity: message` lines: unreadable, never "clean"
        assert.equal(a.findings, null);
        assert.ok(String(a.message).includes("could not be read as findings"), String(a.message));
      },
    },
    [ServerCommand.ask]: {
      request: async () => {
        await llm.setReply("It adds two numbers, see `shop/calc.py:1`.");
        return askRequest("What does add do?");
      },
      check: (a) => {
        assert.equal(answerProvider(a), "local");
        // the cited location becomes a link that opens the file at the line
        const link = `[calc.py:1](${calcUri}#L1)`;
        assert.ok(resultMarkdown("Answer", a).includes(`- ${link}`), resultMarkdown("Answer", a));
      },
    },
    [ServerCommand.plan]: {
      request: async () => {
        const report = (await send(reportRequest(calcUri, "json"))) as { opportunities: object[] };
        return planRequest({ opportunity: report.opportunities[0] });
      },
      check: (a) => {
        assert.ok(String(a.markdown).startsWith("# Plan: "), String(a.markdown));
        assert.equal(typeof a.plan, "object");
      },
    },
    [ServerCommand.implement]: {
      request: async () => {
        const report = (await send(reportRequest(calcUri, "json"))) as { opportunities: object[] };
        const planned = (await send(planRequest({ opportunity: report.opportunities[0] }))) as { plan: object };
        return implementRequest(planned.plan);
      },
      check: (a) => {
        // the fake model answers prose, not files: refused with the reason, nothing offered
        assert.equal(a.verified, false);
        assert.ok(String(a.message).includes("no file blocks"), String(a.message));
        assert.equal(a.edit, undefined);
      },
    },
    [ServerCommand.report]: {
      request: () => reportRequest(calcUri),
      check: (a) => {
        assert.ok(String(a.text).startsWith("# Aurelis opportunities"), String(a.text));
        assert.equal(typeof a.total, "number");
      },
    },
  };

  test("the request table covers every server command the extension knows", () => {
    assert.deepEqual(Object.keys(cases).sort(), [...ALL_SERVER_COMMANDS].sort());
  });

  for (const name of ALL_SERVER_COMMANDS) {
    test(`${name}: accepted with the extension's arguments`, async () => {
      const request = await cases[name].request();
      assert.equal(request.command, name);
      cases[name].check((await send(request)) as Answer);
    });
  }
});
