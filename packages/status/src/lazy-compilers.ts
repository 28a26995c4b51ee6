import { AjvCompiler } from "@fastify/ajv-compiler";
import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";

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

// Fastify's own default compilers (the same factories it would build), made lazy.
const validators = AjvCompiler();
const serializers = SerializerSelector();

/** For `Fastify({ schemaController: { compilersFactory } })`. */
export const lazyCompilersFactory = {
  buildValidator: ((...args: Parameters<typeof validators>) =>
    onFirstUse(
      validators(...args) as unknown as (route: unknown) => Compiled,
    )) as unknown as typeof validators,
  buildSerializer: ((...args: Parameters<typeof serializers>) =>
    onFirstUse(
      serializers(...args) as unknown as (route: unknown) => Compiled,
    )) as unknown as typeof serializers,
};
