import * as assert from "node:assert/strict";
import { test } from "node:test";
import { ProgressTracker } from "../../src/progress";
import { statusView } from "../../src/views";

test("begin/report/end of one token", () => {
  const t = new ProgressTracker();
  assert.deepEqual(t.apply("idx", { kind: "begin", title: "Aurelis: indexing", message: "scanning", percentage: 0 }), {
    title: "Aurelis: indexing",
    message: "scanning",
    percentage: 0,
  });
  assert.deepEqual(t.apply("idx", { kind: "report", percentage: 40 }), { title: "Aurelis: indexing", message: "scanning", percentage: 40 });
  assert.equal(statusView({ state: "indexing" }, t.current()).text, "$(sync~spin) Aurelis: indexing 40%");
  assert.equal(t.apply("idx", { kind: "end", message: "6 chunks" }), undefined);
  assert.equal(t.current(), undefined);
});

test("the most recently updated running progress is shown; ended or unknown tokens are ignored", () => {
  const t = new ProgressTracker();
  t.apply(1, { kind: "begin", title: "indexing" });
  t.apply(2, { kind: "begin", title: "explain" });
  assert.equal(t.current()?.title, "explain");
  t.apply(1, { kind: "report", percentage: 10 });
  assert.equal(t.current()?.title, "indexing");
  t.apply(1, { kind: "end" });
  assert.equal(t.current()?.title, "explain");
  assert.equal(t.apply(9, { kind: "report", percentage: 5 })?.title, "explain");
  t.clear();
  assert.equal(t.current(), undefined);
});
