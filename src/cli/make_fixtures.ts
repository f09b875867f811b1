/**
 * `deno task make-fixtures`: regenerates `fixtures/fashion-mnist/` from the
 * full dataset, deterministically: a class-stratified subset of 2,000
 * training and 500 test images (seed 42), written as IDX `.gz` files.
 * Prints the SHA-256 of each decompressed file for `FIXTURE_CHECKSUMS`.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import {
  classCounts,
  encodeIdx,
  FILE_NAMES,
  loadFashionMnist,
  sha256Hex,
  stratifiedSubset,
} from "../data/mod.ts";
import { parseFlags, runCli } from "./_cli.ts";

const HELP = `Usage: deno task make-fixtures [--data-dir DIR] [--out DIR]

Writes a stratified subset of Fashion-MNIST (2,000 train, 500 test, seed 42)
as IDX .gz files into --out (default fixtures/fashion-mnist).
`;

async function main(): Promise<number> {
  const { values } = parseFlags("make-fixtures", {
    args: Deno.args,
    options: {
      "data-dir": { type: "string" },
      out: { type: "string", default: "fixtures/fashion-mnist" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const data = await loadFashionMnist({ dir: values["data-dir"], baseUrls: false });
  const train = stratifiedSubset(data.train, { size: 2000, seed: 42 });
  const test = stratifiedSubset(data.test, { size: 500, seed: 42 });
  const out = resolve(values.out);
  await Deno.mkdir(out, { recursive: true });
  const files = [
    [FILE_NAMES.trainImages, encodeIdx("images", train.images, train.count)],
    [FILE_NAMES.trainLabels, encodeIdx("labels", train.labels, train.count)],
    [FILE_NAMES.testImages, encodeIdx("images", test.images, test.count)],
    [FILE_NAMES.testLabels, encodeIdx("labels", test.labels, test.count)],
  ] as const;
  for (const [name, bytes] of files) {
    // node's gzip header carries no name or time, so the same bytes give the same file.
    await Deno.writeFile(join(out, `${name}.gz`), gzipSync(bytes, { level: 9 }));
    console.log(`${sha256Hex(bytes)}  ${name} (${bytes.length} bytes)`);
  }
  console.log(`from: ${data.description}`);
  console.log(
    `train per class: ${classCounts(train).join(" ")}; test per class: ${
      classCounts(test).join(" ")
    }`,
  );
  return 0;
}

if (import.meta.main) await runCli(main);
