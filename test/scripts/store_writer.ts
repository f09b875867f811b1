/**
 * A child for the history store's tests: records `count` runs (or runs
 * without end with `count` 0) of the sample results into the store at
 * `path`, each with its own start time, and prints `recorded N` after each.
 *
 * Usage: deno run -A test/scripts/store_writer.ts PATH LABEL COUNT
 */
import { sampleResults } from "../../src/results/_testing.ts";
import { openStore } from "../../src/store/store.ts";

const [path, label, count] = Deno.args;
const store = openStore(path);
const encoder = new TextEncoder();
for (let i = 0; Number(count) === 0 || i < Number(count); i++) {
  const results = sampleResults();
  results.env.machine = label;
  results.createdAt = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  store.record(results);
  Deno.stdout.writeSync(encoder.encode(`recorded ${i}\n`));
}
store.close();
