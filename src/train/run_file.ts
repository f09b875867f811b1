/**
 * `run.json`: the run description saved beside `results.json`, the only
 * thing `--resume` reads back. Its JSON Schema is made from the fields'
 * table ({@link RUN_FIELDS}) and the keys no flag sets.
 *
 * @module
 */
import { readJsonIfExists } from "../_util/fs.ts";
import { schemaProblems } from "../_util/json_schema.ts";
import { join } from "node:path";
import { writeJsonAtomic } from "../_util/fs.ts";
import { describeRun, type RunDataRecord, type RunDescription } from "./run_description.ts";
import { RUN_FIELDS } from "./run_fields.ts";

/** The file beside `results.json` that holds a run's description, read back by `--resume`. */
export const RUN_DESCRIPTION_FILE = "run.json";

/** The keys of a description that no flag sets: the learning rate and the data it started on. */
const UNFLAGGED_SCHEMA = {
  learningRate: { type: "number" },
  dataSource: {
    type: "object",
    properties: { kind: { type: "string" }, dir: { type: "string" }, sha256: { type: "object" } },
    required: ["kind", "sha256"],
  },
};

/** The JSON Schema of {@link RunDescription}, as `run.json` is checked. */
export function runDescriptionSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: Object.assign({}, UNFLAGGED_SCHEMA, ...RUN_FIELDS.map((f) => f.schema)),
    // What every description has: the keys describeRun always sets.
    required: Object.keys(describeRun({ models: ["model1"], epochs: 1 })),
    additionalProperties: false,
  };
}

/**
 * Pins `run` to what it got (its backend, the sizes its data came out at,
 * and the data files it started on) and saves it as `run.json` in `outDir`,
 * for the reproduce command and `--resume`.
 *
 * @returns The pinned description.
 */
export async function savePinnedRun(
  outDir: string,
  run: RunDescription,
  backend: string,
  data: Omit<RunDataRecord, "description">,
): Promise<RunDescription> {
  const pinned: RunDescription = {
    ...run,
    backend,
    dataSource: run.dataSource ?? data.source,
    trainSize: data.train.count,
    validationSize: data.validation.count,
    testSize: data.test.count,
  };
  await writeJsonAtomic(join(outDir, RUN_DESCRIPTION_FILE), pinned);
  return pinned;
}

/**
 * Reads a saved run description.
 *
 * @returns `undefined` when the file does not exist (a run saved before descriptions were).
 * @throws {TypeError} `PATH: not valid JSON (…)`, or `PATH: not a run description: …` for a
 *   file that does not fit its schema.
 */
export async function readRunDescription(path: string): Promise<RunDescription | undefined> {
  const value = await readJsonIfExists(path);
  if (value === undefined) return undefined;
  return checkRunDescription(value, path);
}

/**
 * Checks that `value` is a run description against its JSON Schema.
 *
 * @throws {TypeError} `WHERE: not a run description: /PATH message; …`.
 */
export function checkRunDescription(value: unknown, where: string): RunDescription {
  const problems = schemaProblems(runDescriptionSchema(), value);
  if (problems.length > 0) {
    throw new TypeError(`${where}: not a run description: ${problems.join("; ")}`);
  }
  return value as RunDescription;
}
