import { AjvCompiler } from "@fastify/ajv-compiler";
import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";
import type { FastifyServerOptions } from "fastify";

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>;

type Compiled = ((...args: unknown[]) => unknown) & { errors?: unknown };

/**
 * Wraps a route-schema compiler so each schema is compiled on its route's first use rather than
 * when the server starts: compiling every validator and serializer up front was most of the time
 * between `listen` being called and the first answer. The compiled function's `errors` (how
 * Fastify reads validation failures) is passed through.
 */
function onFirstUse<Route>(compile: (route: Route) => Compiled): (route: Route) => Compiled {
  return (route) => {
    let compiled: Compiled | null = null;
    const run: Compiled = (...args) => {
      compiled ??= compile(route);
      const result = compiled(...args);
      run.errors = compiled.errors;
      return result;
    };
    return run;
  };
}

/** A route-schema compiler factory as Fastify calls it: schemas shared by routes and options in. */
type RouteCompilerFactory = (externalSchemas: unknown, options?: unknown) => (route: unknown) => Compiled;

// Fastify's own default compilers (the same factories it would build), made lazy.
const validators = AjvCompiler() as unknown as RouteCompilerFactory;
const serializers = SerializerSelector() as unknown as RouteCompilerFactory;

/** For `Fastify({ schemaController: { compilersFactory } })`. */
export const lazyCompilersFactory = {
  buildValidator: (externalSchemas: unknown, options?: unknown) =>
    onFirstUse(validators(externalSchemas, options)),
  buildSerializer: (externalSchemas: unknown, options?: unknown) =>
    onFirstUse(serializers(externalSchemas, options)),
} as unknown as CompilersFactory;
