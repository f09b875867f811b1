import assert from "node:assert/strict";
import { chooseStore, DEFAULT_STORE_VARIABLE, defaultStorePath, STORE_VARIABLE } from "./_store.ts";
import { SETUP_FIRST_VARIABLE } from "./_setup_first.ts";

/** Runs `fn` with these variables set (undefined: unset), then puts them back. */
function withEnv(vars: Record<string, string | undefined>, fn: () => void): void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, value] of Object.entries(v)) {
      if (value === undefined) Deno.env.delete(k);
      else Deno.env.set(k, value);
    }
  };
  apply(vars);
  try {
    fn();
  } finally {
    apply(saved);
  }
}

Deno.test("the store: --store, else FMNIST_BENCH_STORE (off: none), else the default for tasks only", () => {
  const task = { [SETUP_FIRST_VARIABLE]: "1", XDG_DATA_HOME: "/data" };
  withEnv({ ...task, [STORE_VARIABLE]: undefined }, () => {
    assert.equal(defaultStorePath(), "/data/fmnist-bench/history.sqlite");
    assert.equal(chooseStore(), "/data/fmnist-bench/history.sqlite");
    assert.equal(Deno.env.get(STORE_VARIABLE), "/data/fmnist-bench/history.sqlite", "children");
  });
  withEnv({ ...task, [STORE_VARIABLE]: "off" }, () => assert.equal(chooseStore(), undefined));
  withEnv({ ...task, [STORE_VARIABLE]: "off" }, () => assert.equal(chooseStore("/x.db"), "/x.db"));
  withEnv({ [SETUP_FIRST_VARIABLE]: undefined, [STORE_VARIABLE]: undefined }, () => {
    assert.equal(chooseStore(), undefined, "not a task: a test or a script records nothing");
    assert.equal(Deno.env.get(STORE_VARIABLE), "off");
  });
  const browserTask = { [DEFAULT_STORE_VARIABLE]: "1", XDG_DATA_HOME: "/data" };
  withEnv(
    { ...browserTask, [SETUP_FIRST_VARIABLE]: undefined, [STORE_VARIABLE]: undefined },
    () => {
      assert.equal(chooseStore(), "/data/fmnist-bench/history.sqlite", "browser: no setup, a task");
      assert.equal(Deno.env.get(DEFAULT_STORE_VARIABLE), undefined, "read once, not passed on");
    },
  );
  withEnv(
    { ...browserTask, [STORE_VARIABLE]: "off" },
    () => assert.equal(chooseStore(), undefined),
  );
  withEnv({ [SETUP_FIRST_VARIABLE]: undefined, [STORE_VARIABLE]: "/s.db" }, () => {
    assert.equal(chooseStore(), "/s.db");
  });
  withEnv({ XDG_DATA_HOME: undefined, HOME: "/home/u" }, () => {
    assert.equal(defaultStorePath(), "/home/u/.local/share/fmnist-bench/history.sqlite");
  });
});
