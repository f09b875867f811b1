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
  return (validate.errors ?? []).slice(0, most).map((e) =>
    `${e.instancePath || "/"} ${e.message}${
      e.params && "allowedValue" in e.params
        ? ` (${JSON.stringify(e.params.allowedValue)})`
        : e.params && "allowedValues" in e.params
        ? ` (${JSON.stringify(e.params.allowedValues)})`
        : e.params && "additionalProperty" in e.params
        ? ` (${JSON.stringify(e.params.additionalProperty)})`
        : ""
    }`
  );
}
