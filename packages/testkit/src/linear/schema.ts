import { readFileSync } from "node:fs";
import { buildSchema, type GraphQLSchema, parse, validate } from "graphql";

/** The committed subset of Linear's schema the fake server executes against. */
export const LINEAR_SUBSET_SCHEMA_PATH = new URL("./linear-schema.subset.graphql", import.meta.url);

/** Environment variable naming Linear's full schema file, for the checks that need it. */
export const LINEAR_FULL_SCHEMA_ENV = "BATON_LINEAR_FULL_SCHEMA";

let subset: GraphQLSchema | undefined;

export function linearSubsetSchema(): GraphQLSchema {
  subset ??= buildSchema(readFileSync(LINEAR_SUBSET_SCHEMA_PATH, "utf8"));
  return subset;
}

/** Builds a schema from SDL text (e.g. Linear's full schema). */
export function buildLinearSchema(sdl: string): GraphQLSchema {
  return buildSchema(sdl);
}

/** Syntax and validation errors of one document against `schema`; [] when the document is valid. */
export function linearDocumentErrors(schema: GraphQLSchema, document: string): string[] {
  try {
    return validate(schema, parse(document)).map((error) => error.message);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}
