import * as assert from "node:assert/strict";
import { test } from "node:test";
import {
  ALL_SERVER_COMMANDS,
  askRequest,
  docstringRequest,
  explainRequest,
  fixRequest,
  generateRequest,
  missingCommands,
  reindexRequest,
  reviewRequest,
  searchRequest,
  ServerCommand,
  statusRequest,
  testsRequest,
} from "../../src/protocol";

const uri = "file:///w/a.py";
const range = { start: { line: 1, character: 0 }, end: { line: 3, character: 4 } };

test("each builder sends its server command with one object argument", () => {
  assert.deepEqual(searchRequest("parse config"), { command: "aurelis.search", arguments: [{ query: "parse config" }] });
  assert.deepEqual(searchRequest("q", { k: 5, mode: "lexical", paths: ["src"] }).arguments, [
    { query: "q", k: 5, paths: ["src"], mode: "lexical" },
  ]);
  assert.deepEqual(reindexRequest(), { command: "aurelis.reindex", arguments: [{}] });
  assert.deepEqual(statusRequest(), { command: "aurelis.status", arguments: [{}] });
  assert.deepEqual(explainRequest(uri, range), { command: "aurelis.explain", arguments: [{ uri, range }] });
  assert.deepEqual(generateRequest(uri, "add logging", { range }).arguments, [{ uri, instruction: "add logging", range }]);
  assert.deepEqual(generateRequest(uri, "x", { position: range.start }).arguments, [
    { uri, instruction: "x", position: range.start },
  ]);
  assert.deepEqual(fixRequest(uri, range).arguments, [{ uri, range }]);
  const diagnostic = { range, message: "m", code: "AUR001", source: "aurelis" };
  assert.deepEqual(fixRequest(uri, range, diagnostic).arguments, [{ uri, range, diagnostic }]);
  assert.deepEqual(docstringRequest(uri, range.start), { command: "aurelis.docstring", arguments: [{ uri, position: range.start }] });
  assert.deepEqual(testsRequest(uri, range), { command: "aurelis.tests", arguments: [{ uri, range }] });
  assert.deepEqual(reviewRequest(uri), { command: "aurelis.review", arguments: [{ uri }] });
  assert.deepEqual(askRequest("where is X?"), { command: "aurelis.ask", arguments: [{ question: "where is X?" }] });
});

test("undefined optional fields are left out, not sent as null", () => {
  const arg = searchRequest("q", { k: undefined }).arguments[0];
  assert.equal(Object.hasOwn(arg, "k"), false);
  assert.equal(JSON.stringify(reviewRequest(uri, undefined).arguments[0]), JSON.stringify({ uri }));
});

test("ALL_SERVER_COMMANDS lists the thirteen server commands", () => {
  assert.equal(ALL_SERVER_COMMANDS.length, 13);
  assert.deepEqual([...ALL_SERVER_COMMANDS].sort(), Object.values(ServerCommand).sort());
  for (const c of ALL_SERVER_COMMANDS) assert.match(c, /^aurelis\.[a-z]+$/);
});

test("missingCommands names what the server did not advertise", () => {
  assert.deepEqual(missingCommands(["aurelis.search", "aurelis.status"], ["aurelis.search", "aurelis.ask"]), ["aurelis.ask"]);
  assert.deepEqual(missingCommands(undefined, ["aurelis.ask"]), ["aurelis.ask"]);
  assert.deepEqual(missingCommands([...ALL_SERVER_COMMANDS, "aurelis.syntaxTree"]), []);
});
