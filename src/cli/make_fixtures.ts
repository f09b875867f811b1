/**
 * `deno task make-fixtures`: regenerates `fixtures/fashion-mnist/` from the
 * full dataset, deterministically: a class-stratified subset of 200 training
 * and 50 test images per class (mulberry32, seed 42; in their original order),
 * written as IDX `.gz` files. It prints the SHA-256 of each decompressed file
 * and whether they match `FIXTURE_CHECKSUMS`; `--check` writes nothing and
 * fails when the files in `--out` are not what it would write.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { FILE_NAMES, type FileRole, FIXTURE_CHECKSUMS } from "../data/checksums.ts";
import { encodeIdx } from "../data/idx.ts";
import { loadFashionMnist } from "../data/load.ts";
import { classCounts, stratifiedSubset } from "../data/split.ts";
import { parseFlags, printHelp, runCli } from "./_cli.ts";
import { writeFileAtomic } from "../_util/fs.ts";
import { sha256Hex } from "../_util/hash.ts";

const TRAIN_PER_CLASS = 200;
const TEST_PER_CLASS = 50;
const SEED = 42;

const HELP = `Usage: deno task make-fixtures [--data-dir DIR] [--out DIR] [--check]

Writes a class-stratified subset of Fashion-MNIST (${TRAIN_PER_CLASS} training and ${TEST_PER_CLASS} test images
per class, seed ${SEED}) as IDX .gz files into --out (default fixtures/fashion-mnist), from
the full dataset in --data-dir, or else Debian's installed copy (never a
download). The output is the same every time.

  --check   write nothing; exit 1 unless the files in --out decompress to
            exactly the bytes this would write
`;

async function main(): Promise<number> {
  const { values } = parseFlags("make-fixtures", {
    args: Deno.args,
    options: {
      "data-dir": { type: "string" },
      out: { type: "string", default: "fixtures/fashion-mnist" },
      check: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return printHelp(HELP);
  const data = await loadFashionMnist({ dir: values["data-dir"], baseUrls: false });
  const train = stratifiedSubset(data.train, { perClass: TRAIN_PER_CLASS, seed: SEED });
  const test = stratifiedSubset(data.test, { perClass: TEST_PER_CLASS, seed: SEED });
  const files: [FileRole, Uint8Array][] = [
    ["trainImages", encodeIdx("images", train.images, train.count)],
    ["trainLabels", encodeIdx("labels", train.labels, train.count)],
    ["testImages", encodeIdx("images", test.images, test.count)],
    ["testLabels", encodeIdx("labels", test.labels, test.count)],
  ];
  const out = resolve(values.out);
  console.log(`from: ${data.description}`);
  const perClass = (split: typeof train) => classCounts(split).join(" ");
  console.log(`train per class: ${perClass(train)}; test per class: ${perClass(test)}`);
  let differs = 0;
  if (!values.check) await Deno.mkdir(out, { recursive: true });
  for (const [role, bytes] of files) {
    const name = FILE_NAMES[role];
    const path = join(out, `${name}.gz`);
    const sha = sha256Hex(bytes);
    if (values.check) {
      const existing = await Deno.readFile(path).then((gz) => sha256Hex(gunzipSync(gz)), () => "");
      const same = existing === sha;
      if (!same) differs++;
      console.log(`${same ? "same" : "DIFFERS"}  ${path}`);
      continue;
    }
    // node's gzip header carries no file name and a zero time: same bytes in, same file out.
    await writeFileAtomic(path, new Uint8Array(gzipSync(bytes, { level: 9 })));
    const known = sha === FIXTURE_CHECKSUMS[role] ? "= FIXTURE_CHECKSUMS" : "!= FIXTURE_CHECKSUMS";
    console.log(`${sha}  ${name} (${bytes.length} bytes) ${known}`);
  }
  if (values.check && differs > 0) {
    throw new Error(
      `${out}: expected the fixtures that make-fixtures writes, but ${differs} file(s) differ; ` +
        "run `deno task make-fixtures` and update FIXTURE_CHECKSUMS in src/data/checksums.ts",
    );
  }
  return 0;
}

if (import.meta.main) await runCli(main);
