import * as assert from "node:assert/strict";
import { test } from "node:test";
import { answerProvider, configuredProvider, resultMarkdown, searchItems, statusView } from "../../src/views";

test("status: ready index and provider", () => {
  const v = statusView({ index: { state: "ready", chunks: 120 }, ai: { provider: "local" } });
  assert.equal(v.text, "$(check) Aurelis: ready · local");
  assert.equal(v.busy, false);
  assert.match(v.tooltip, /Index: ready, 120 chunks/);
  assert.match(v.tooltip, /AI provider: local/);
});

test("status: indexing shows progress counts and is busy", () => {
  const v = statusView({ index: [{ state: "indexing", files_done: 3, files_total: 10 }, { state: "ready", files_done: 5, files_total: 5 }] });
  assert.equal(v.text, "$(sync~spin) Aurelis: indexing 8/15");
  assert.equal(v.busy, true);
});

test("status: explicit progress wins; providers list; server not running", () => {
  const v = statusView({ ai: { providers: [{ name: "ollama" }] } }, { title: "Embedding", percentage: 42.4 });
  assert.equal(v.text, "$(sync~spin) Aurelis: Embedding 42% · ollama");
  assert.equal(statusView({ ai: { providers: [] } }).tooltip.includes("none configured"), true);
  assert.equal(statusView(undefined, undefined, "crashed").text, "$(circle-slash) Aurelis: crashed");
  assert.equal(statusView("garbage").text, "$(check) Aurelis");
});

test("search hits become items with uri and range, best first order kept", () => {
  const items = searchItems({
    results: [
      { uri: "file:///w/a.py", range: { start: { line: 4, character: 0 }, end: { line: 9, character: 0 } }, score: 0.91234, name: "load_config", text: "def load_config(path):\n    ..." },
      { path: "/w/b c.py", start_line: 3, end_line: 7, score: 0.5 },
      { nothing: true },
    ],
  });
  assert.equal(items.length, 2);
  assert.deepEqual(items[0], {
    label: "load_config",
    description: "a.py:5  #1", // the rank: a fused score (0.912 here, ~0.03 in practice) means nothing to a reader
    detail: "def load_config(path): ⏎ ...",
    uri: "file:///w/a.py",
    range: { start: { line: 4, character: 0 }, end: { line: 9, character: 0 } },
  });
  assert.equal(items[1].uri, "file:///w/b%20c.py");
  assert.deepEqual(items[1].range, { start: { line: 2, character: 0 }, end: { line: 6, character: 0 } });
  assert.equal(items[1].label, "b c.py:3");
  assert.equal(items[1].description, "#2");
  assert.ok(items.every((i) => !/\d\.\d/.test(i.description)), "no score is shown");
  assert.deepEqual(searchItems(null), []);
});

test("markdown answers: string, known field, sources, fallback to JSON", () => {
  assert.equal(resultMarkdown("Explanation", "It parses."), "# Explanation\n\nIt parses.\n");
  assert.equal(resultMarkdown("Answer", { answer: "Yes.", sources: [{ uri: "file:///w/a.py" }] }), "# Answer\n\nYes.\n\n**Sources**\n\n- [a.py](file:///w/a.py)\n");
  const cited = { markdown: "See add.", sources: [{ uri: "file:///w/my%20calc.py", range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } } }, 7] };
  assert.equal(resultMarkdown("Answer", cited), "# Answer\n\nSee add.\n\n**Sources**\n\n- [my calc.py:5](file:///w/my%20calc.py#L5)\n");
  assert.match(resultMarkdown("Review", { findings: 2 }), /```json\n\{\n {2}"findings": 2\n\}\n```/);
});

test("status: the index part of the real answer, the provider from the settings", () => {
  const v = statusView({ state: "ready", folders: [{ state: "ready", files_indexed: 3, chunks: 6 }], chunks: 6 }, undefined, "running", "local");
  assert.equal(v.text, "$(check) Aurelis: ready · local");
  assert.match(v.tooltip, /Index: ready, 6 chunks/);
  assert.equal(configuredProvider({ enabled: true, providers: [{ name: "local" }, { name: "cloud" }] }), "local");
  assert.equal(configuredProvider({ enabled: false, providers: [{ name: "local" }] }), undefined);
  assert.equal(configuredProvider({ providers: [] }), undefined);
  assert.match(statusView({ state: "ready" }).tooltip, /AI provider: none configured/);
});

test("the provider that answered is read from AI answers", () => {
  assert.equal(answerProvider({ markdown: "x", provider: "local", cached: false }), "local");
  assert.equal(answerProvider({ started: true }), undefined);
  assert.equal(answerProvider("text"), undefined);
});
