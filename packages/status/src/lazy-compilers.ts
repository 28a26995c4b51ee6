import { AjvCompiler } from "@fastify/ajv-compiler";
import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";
import type { FastifyServerOptions } from "fastify";

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>;

type Compiled = ((...args: unknown[]) => unknown) & { errors?: unknown };

/**
 * A route-schema compiler factory made lazy twice over: the compiler itself (Fastify's default one,
 * an Ajv instance with its formats and meta-schemas) is built when the first schema needs it, and
 * each schema is compiled on its route's first use rather than when the server starts. Compiling
 * every validator and serializer up front was most of the time between `listen` being called and
 * the first answer; a route that is never asked, or whose requests carry nothing to validate, costs
 * nothing. The compiled function's `errors` (how Fastify reads validation failures) is passed through.
 */
function lazily(factory: RouteCompilerFactory): RouteCompilerFactory {
  return (externalSchemas, options) => {
    let compiler: ((route: unknown) => Compiled) | null = null;
    return (route) => {
      let compiled: Compiled | null = null;
      const run: Compiled = (...args) => {
        compiler ??= factory(externalSchemas, options);
        compiled ??= compiler(route);
        const result = compiled(...args);
        run.errors = compiled.errors;
        return result;
      };
      return run;
    };
  };
}

/** A route-schema compiler factory as Fastify calls it: schemas shared by routes and options in. */
type RouteCompilerFactory = (externalSchemas: unknown, options?: unknown) => (route: unknown) => Compiled;

/** For `Fastify({ schemaController: { compilersFactory } })`: Fastify's own default compilers, made lazy. */
export const lazyCompilersFactory = {
  buildValidator: lazily(AjvCompiler() as unknown as RouteCompilerFactory),
  buildSerializer: lazily(SerializerSelector() as unknown as RouteCompilerFactory),
} as unknown as CompilersFactory;
