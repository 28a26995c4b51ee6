import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { codexBinary } from "@baton/demo";
import { BatonError } from "@baton/domain";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

export interface CodexProtocolValidator {
  /** Errors in a client-to-server request; [] when valid. Without `id`, the id is not checked. */
  validateClientRequest(message: { id?: number; method: string; params?: unknown }): string[];
  validateClientNotification(message: { method: string; params?: unknown }): string[];
  /** Errors in the result a client returns for a server request such as `item/tool/call`. */
  validateClientResponse(requestMethod: string, result: unknown): string[];
}

type JsonSchema = Record<string, unknown>;

const BUNDLE_FILE = "codex_app_server_protocol.schemas.json";
const SCHEMA_KEY = "codex-protocol";

let cached: Promise<CodexProtocolValidator> | undefined;

/**
 * Validator for what a client sends to `codex app-server`, built from the JSON Schema the
 * installed binary generates (`generate-json-schema --experimental`, so experimental fields such
 * as `dynamicTools` are included). Generated once per process.
 *
 * Stricter than the raw schema in one way: object types are closed, so an unknown or misspelled
 * field (which codex would silently ignore) is reported. Flattened types, whose fields are split
 * between an object and its anyOf/oneOf branches, stay open.
 */
export function codexProtocolValidator(): Promise<CodexProtocolValidator> {
  if (!cached) {
    cached = generateProtocolSchema().then(buildValidator);
    // A failed generation is not cached, so a later call can retry.
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}

/** Runs the installed codex binary's schema generator and returns the bundled schema. */
async function generateProtocolSchema(): Promise<JsonSchema> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), "codex-schema-"));
  try {
    await promisify(execFile)(codexBinary(), [
      "app-server",
      "generate-json-schema",
      "--experimental",
      "--out",
      outDir,
    ]);
    return JSON.parse(await readFile(path.join(outDir, BUNDLE_FILE), "utf8")) as JsonSchema;
  } catch (error) {
    throw new BatonError(
      "protocol_schema_unavailable",
      `could not generate the codex app-server schema with ${codexBinary()}: ${(error as Error).message}`,
      {},
      { cause: error },
    );
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

function buildValidator(bundle: JsonSchema): CodexProtocolValidator {
  const ajv = new Ajv({ strict: false, allErrors: true });
  for (const [name, check] of Object.entries(NUMBER_FORMATS)) {
    ajv.addFormat(name, { type: "number", validate: check });
  }
  ajv.addSchema(closeObjectSchemas(bundle), SCHEMA_KEY);

  const definitions = bundle.definitions as Record<string, JsonSchema>;
  const clientRequests = branchesByMethod(definitions.ClientRequest);
  const clientNotifications = branchesByMethod(definitions.ClientNotification);
  const serverRequests = branchesByMethod(definitions.ServerRequest);

  // Compiling the whole protocol takes about a second; compile one method's schema when first needed.
  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (pointer: string) => {
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${SCHEMA_KEY}#${pointer}` });
      compiled.set(pointer, validate);
    }
    return validate;
  };
  const check = (pointer: string, value: unknown, label: string) => {
    const validate = validatorFor(pointer);
    return validate(value) ? [] : formatErrors(label, validate.errors ?? []);
  };

  return {
    validateClientRequest(message) {
      const branch = clientRequests.get(message.method);
      if (branch === undefined) return [`unknown client request method "${message.method}"`];
      const request = withoutJsonRpcTag({ ...message, id: message.id ?? 0 });
      return check(`/definitions/ClientRequest/oneOf/${branch.index}`, request, message.method);
    },
    validateClientNotification(message) {
      const branch = clientNotifications.get(message.method);
      if (branch === undefined) return [`unknown client notification method "${message.method}"`];
      return check(
        `/definitions/ClientNotification/oneOf/${branch.index}`,
        withoutJsonRpcTag(message),
        message.method,
      );
    },
    validateClientResponse(requestMethod, result) {
      const branch = serverRequests.get(requestMethod);
      if (branch === undefined) return [`unknown server request method "${requestMethod}"`];
      // Each server request's params type `XParams` has its answer defined as `XResponse`.
      const responseName = branch.paramsName.replace(/Params$/, "Response");
      if (!(responseName in definitions)) return [`the schema defines no response for "${requestMethod}"`];
      return check(`/definitions/${responseName}`, result, `${requestMethod} response`);
    },
  };
}

interface Branch {
  index: number;
  paramsName: string;
}

/** Maps each method of a `oneOf` union of requests/notifications to its branch. */
function branchesByMethod(union: JsonSchema | undefined): Map<string, Branch> {
  const branches = new Map<string, Branch>();
  const oneOf = (union?.oneOf ?? []) as JsonSchema[];
  oneOf.forEach((branch, index) => {
    const properties = branch.properties as Record<string, JsonSchema> | undefined;
    const methods = (properties?.method?.enum ?? []) as string[];
    const paramsRef = String(properties?.params?.$ref ?? "");
    for (const method of methods)
      branches.set(method, { index, paramsName: paramsRef.split("/").pop() ?? "" });
  });
  return branches;
}

/** The server accepts the JSON-RPC version tag, which the schema does not list. */
function withoutJsonRpcTag<T extends object>(message: T): T {
  const { jsonrpc: _tag, ...rest } = message as T & { jsonrpc?: unknown };
  return rest as T;
}

function formatErrors(label: string, errors: ErrorObject[]): string[] {
  const lines = errors.map((error) => {
    const where = error.instancePath === "" ? "(message)" : error.instancePath;
    const extra =
      error.keyword === "additionalProperties"
        ? ` "${(error.params as { additionalProperty: string }).additionalProperty}"`
        : error.keyword === "enum"
          ? `: ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}`
          : "";
    return `${label} ${where}: ${error.message}${extra}`;
  });
  return [...new Set(lines)];
}

/**
 * Returns a copy where every plain object schema with listed `properties` rejects other
 * properties. Schemas that combine `properties` with anyOf/oneOf/allOf (flattened enums) are left
 * open, and so are their branches, since each holds only part of the fields.
 */
function closeObjectSchemas(schema: JsonSchema): JsonSchema {
  return closeSchema(structuredClone(schema), false);
}

const COMBINATORS = ["anyOf", "oneOf", "allOf"] as const;

function closeSchema(node: JsonSchema, partial: boolean): JsonSchema {
  const combined = COMBINATORS.some((key) => key in node);
  const hasProperties = typeof node.properties === "object" && node.properties !== null;
  if (hasProperties && !partial && !combined && !("additionalProperties" in node)) {
    node.additionalProperties = false;
  }
  for (const key of ["properties", "patternProperties", "definitions"]) {
    const map = node[key];
    if (isObject(map)) closeSchemaMap(map, key === "definitions");
  }
  for (const key of ["items", "additionalProperties", "not"]) {
    const child = node[key];
    if (isObject(child)) closeSchema(child, false);
  }
  for (const key of COMBINATORS) {
    const branches = node[key];
    if (Array.isArray(branches)) {
      for (const branch of branches) if (isObject(branch)) closeSchema(branch, hasProperties);
    }
  }
  return node;
}

/** The bundle's `definitions` nest the v2 protocol's definitions as a map under `v2`. */
function closeSchemaMap(map: JsonSchema, isDefinitions: boolean): void {
  for (const [name, child] of Object.entries(map)) {
    if (!isObject(child)) continue;
    if (isDefinitions && name === "v2") closeSchemaMap(child, true);
    else closeSchema(child, false);
  }
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isInteger = (value: number) => Number.isInteger(value);
const inRange = (min: number, max: number) => (value: number) =>
  isInteger(value) && value >= min && value <= max;

/** Rust integer widths the generator writes as `format`. */
const NUMBER_FORMATS: Record<string, (value: number) => boolean> = {
  int32: inRange(-(2 ** 31), 2 ** 31 - 1),
  int64: isInteger,
  uint: inRange(0, Number.MAX_SAFE_INTEGER),
  uint16: inRange(0, 2 ** 16 - 1),
  uint32: inRange(0, 2 ** 32 - 1),
  uint64: inRange(0, Number.MAX_SAFE_INTEGER),
  double: Number.isFinite,
};
