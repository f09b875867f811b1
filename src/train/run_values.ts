/**
 * The checks of what a user typed for a run's values (models, seed, target
 * accuracies, engine, oneDNN), and the data flags' words: each throws one
 * line that names the flag, what was expected and what was given.
 *
 * @module
 */
import { resolve } from "node:path";
import { UsageError } from "../_util/usage_error.ts";
import { ONEDNN_CHOICES, type OneDnnChoice } from "../backends/onednn.ts";
import { getEngineSpec } from "../engines/registry.ts";
import { getModelSpec, MODEL_NAMES } from "../models/spec.ts";
import type { DataRequest } from "../results/data_source.ts";
import { MAX_SEED, type RunDescription } from "./run_description.ts";

/**
 * `fn`'s value; an error it throws becomes a {@link UsageError}, its message
 * after `prefix` (e.g. `"--backend: "`).
 */
export function asUsageError<T>(fn: () => T, prefix = ""): T {
  try {
    return fn();
  } catch (err) {
    throw new UsageError(`${prefix}${(err as Error).message}`);
  }
}

/**
 * The refusal of a data flag that differs from the resumed run's data.
 *
 * @returns The message, or `undefined` when the flag names the same data.
 */
export function dataFlagConflict(saved: DataRequest, given: DataRequest): string | undefined {
  const was = describeDataRequest(saved);
  const refuse = (flag: string) =>
    `--resume: ${flag} differs from the run being resumed (${was}); drop the flag`;
  if (given.fixtures && !saved.fixtures) return refuse("--fixtures");
  if (
    given.dataDir !== undefined &&
    !(saved.dataDir !== undefined && resolve(given.dataDir) === resolve(saved.dataDir))
  ) {
    return refuse(`--data-dir ${given.dataDir}`);
  }
  return undefined;
}

/** The flags that choose the data of `request`: `--fixtures`, `--data-dir DIR` or none. */
export function dataFlags(request: DataRequest): string[] {
  if (request.fixtures) return ["--fixtures"];
  if (request.dataDir !== undefined) return ["--data-dir", request.dataDir];
  return [];
}

/** `request` in words, as the flags that chose it, for messages. */
function describeDataRequest(request: DataRequest): string {
  const flags = dataFlags(request);
  return flags.length ? flags.join(" ") : "the official data";
}

/**
 * Parses `--target-accuracy`: comma-separated validation accuracies above 0
 * and at most 100%, returned as fractions in increasing order. A value with a
 * `%` sign is a percentage; the bare values of a list are all percentages when
 * any of them is above 1 (`1,99` is 1% and 99%), and all fractions otherwise
 * (`0.85,0.9`).
 *
 * @throws {UsageError} For anything else.
 */
export function parseTargetAccuracies(value: string): number[] {
  const refuse = () =>
    new UsageError(
      `--target-accuracy: expected comma-separated accuracies in (0, 100] (e.g. 85,90 or 0.85,0.9), got "${value}"`,
    );
  const parts = value.split(",").map((p) => p.trim());
  const numbers = parts.map((p) => Number(p.replace(/%$/, "")));
  if (parts.some((p) => p === "" || p === "%") || numbers.some((n) => !(n > 0 && n <= 100))) {
    throw refuse();
  }
  const percentages = parts.some((p, i) => !p.endsWith("%") && numbers[i] > 1);
  const fractions = numbers.map((n, i) => (percentages || parts[i].endsWith("%") ? n / 100 : n));
  return [...new Set(fractions)].sort((a, b) => a - b);
}

/**
 * Parses `--seed`: a whole number from 0 to 2³¹.
 *
 * @throws {UsageError} For anything else.
 */
export function parseSeed(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0 || n > MAX_SEED) {
    throw new UsageError(
      `--seed: expected a whole number from 0 to ${MAX_SEED}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/**
 * Parses a list of models: registered names, comma-separated, or `all`.
 *
 * @param flag The flag as typed (`--models`, or `compare`'s older `--model`).
 * @throws {UsageError} For an empty list or an unknown name (the message lists the valid ones).
 */
export function parseModelList(flag: string, value: string): string[] {
  const items = value.split(",").map((m) => m.trim()).filter((m) => m !== "");
  if (items.length === 0) {
    throw new UsageError(
      `${flag}: expected a list like model1,model2, got ${JSON.stringify(value)}`,
    );
  }
  const models: string[] = [];
  for (const item of items) {
    try {
      for (const m of item === "all" ? MODEL_NAMES : [getModelSpec(item).name]) {
        if (!models.includes(m)) models.push(m);
      }
    } catch (err) {
      throw new UsageError(`${flag}: ${(err as Error).message}`);
    }
  }
  return models;
}

/**
 * Parses one engine name.
 *
 * @throws {UsageError} For an unknown name; the message lists the valid ones.
 */
export function parseEngineName(flag: string, value: string): RunDescription["engine"] {
  return asUsageError(() => getEngineSpec(value.trim()).name, `${flag}: `);
}

/**
 * Parses `--onednn`.
 *
 * @throws {UsageError} For anything but on, off or default.
 */
export function parseOneDnnChoice(value: string): OneDnnChoice {
  if (!(ONEDNN_CHOICES as readonly string[]).includes(value)) {
    throw new UsageError(
      `--onednn: expected one of ${ONEDNN_CHOICES.join(", ")}, got ${
        JSON.stringify(value)
      }; on and off pin TensorFlow's oneDNN kernels, default leaves them to the CPU`,
    );
  }
  return value as OneDnnChoice;
}
