import * as assert from "node:assert/strict";
import { test } from "node:test";
import { RestartPolicy } from "../../src/backoff";

test("delays double up to the cap, then the policy gives up", () => {
  let now = 0;
  const p = new RestartPolicy({ baseMs: 100, maxMs: 350, maxRestarts: 4, windowMs: 10_000 }, () => now);
  const delays = [1, 2, 3, 4].map(() => {
    now += 10;
    const d = p.onCrash();
    assert.equal(d.restart, true);
    return d.restart ? d.delayMs : -1;
  });
  assert.deepEqual(delays, [100, 200, 350, 350]);
  assert.deepEqual(p.onCrash(), { restart: false, crashes: 5 });
});

test("crashes older than the window are forgotten; reset forgets all", () => {
  let now = 0;
  const p = new RestartPolicy({ baseMs: 100, maxMs: 10_000, maxRestarts: 2, windowMs: 1_000 }, () => now);
  p.onCrash();
  now = 500;
  assert.deepEqual(p.onCrash(), { restart: true, delayMs: 200, attempt: 2 });
  now = 1_600; // the first two are out of the window
  assert.deepEqual(p.onCrash(), { restart: true, delayMs: 100, attempt: 1 });
  p.onCrash();
  p.reset();
  assert.deepEqual(p.onCrash(), { restart: true, delayMs: 100, attempt: 1 });
});
