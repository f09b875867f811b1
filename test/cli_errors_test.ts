/**
 * One form for a mistake in a flag, in every task: one line
 * ``error: <what>; see `deno task <task> --help` `` on stderr, nothing on
 * stdout, exit code 2. Each task's file runs directly (no setup).
 */
import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";

/** Each task's file in src/cli/ and its task name. */
const TASKS: { file: string; task: string }[] = [
  { file: "setup", task: "setup" },
  { file: "train_all", task: "train-all" },
  { file: "compare", task: "compare" },
  { file: "merge", task: "merge" },
  { file: "diff", task: "diff" },
  { file: "browser", task: "browser" },
  { file: "setup_keras", task: "setup-keras" },
  { file: "peer", task: "peer" },
  { file: "gpu_kit", task: "gpu-kit" },
  { file: "data", task: "data" },
  { file: "doctor", task: "doctor" },
  { file: "conformance", task: "conformance" },
  { file: "make_fixtures", task: "make-fixtures" },
];

for (const { file, task } of TASKS) {
  Deno.test({
    name: `deno task ${task} --bogus: one error line naming its --help, exit 2`,
    fn: async () => {
      const { code, stdout, stderr } = await runCli(file, "--bogus");
      assert.equal(stderr, `error: unknown option --bogus; see \`deno task ${task} --help\`\n`);
      assert.equal(stdout, "");
      assert.equal(code, 2);
    },
  });
}

Deno.test("the GPU kit's program points at ./run.sh --help", async () => {
  const { code, stderr } = await runCli("gpu_kit_run", "--bogus");
  assert.equal(stderr, "error: unknown option --bogus; see `./run.sh --help`\n");
  assert.equal(code, 2);
});

for (
  const [file, args, line] of [
    ["compare", ["--out"], "error: --out: expected a value; see `deno task compare --help`"],
    ["doctor", ["extra"], "error: unexpected argument extra; see `deno task doctor --help`"],
    ["doctor", ["--help=yes"], "error: --help: expected no value; see `deno task doctor --help`"],
    ["diff", ["-z"], "error: unknown option -z; see `deno task diff --help`"],
  ] as const
) {
  Deno.test(`${file} ${args.join(" ")}: ${line}`, async () => {
    const { code, stderr } = await runCli(file, ...args);
    assert.equal(stderr, `${line}\n`);
    assert.equal(code, 2);
  });
}
