/**
 * Checking a parsed JSON value against a JSON Schema (draft 2020-12, with
 * Ajv), with the violations as short lines for an error message.
 *
 * @module
 */
import { Ajv2020 } from "ajv/dist/2020.js";

/**
 * The first few ways `value` breaks `schema`, each as `JSON-path message`
 * (with the allowed values where the schema lists them).
 *
 * @returns An empty list when `value` fits.
 */
export function schemaProblems(schema: object, value: unknown, most = 5): string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  if (validate(value)) return [];
  const shown = ["allowedValue", "allowedValues", "additionalProperty"];
  return (validate.errors ?? []).slice(0, most).map((e) => {
    const params = e.params as Record<string, unknown> | undefined;
    const key = shown.find((k) => params && k in params);
    const detail = key ? ` (${JSON.stringify(params![key])})` : "";
    return `${e.instancePath || "/"} ${e.message}${detail}`;
  });
}
