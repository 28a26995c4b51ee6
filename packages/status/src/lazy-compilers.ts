import { AjvCompiler } from "@fastify/ajv-compiler";
import type { FastifyServerOptions } from "fastify";
import { responseSerializers } from "./response-serializers.generated.ts";
import { responseSchemas } from "./schemas.ts";

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

const prebuilt = new Map<unknown, () => (data: unknown) => string>(
  Object.entries(responseSchemas).map(([name, schema]) => [
    schema,
    responseSerializers[name as keyof typeof responseSchemas],
  ]),
);

/**
 * Response serializers compiled ahead of time (scripts/compile-serializers.ts), the same
 * fast-json-stringify code Fastify's default compiler would generate at run time, each made on its
 * route's first answer. A route answering with a schema that is not in `responseSchemas` is a
 * mistake in this package: the server refuses to start, naming the route.
 */
const prebuiltSerializers: RouteCompilerFactory = () => (route) => {
  const { schema, method, url, httpStatus } = route as {
    schema: unknown;
    method: string;
    url: string;
    httpStatus: string;
  };
  const build = prebuilt.get(schema);
  if (build === undefined) {
    throw new Error(
      `the ${httpStatus} response schema of ${method} ${url} is not in responseSchemas (src/schemas.ts); ` +
        "add it there and run `pnpm --filter @baton/status compile-serializers`",
    );
  }
  let serialize: ((data: unknown) => string) | null = null;
  return (data) => {
    serialize ??= build();
    return serialize(data);
  };
};

/**
 * For `Fastify({ schemaController: { compilersFactory } })`: Fastify's own validator compiler made
 * lazy, and the response serializers compiled ahead of time.
 */
export const lazyCompilersFactory = {
  buildValidator: lazily(AjvCompiler() as unknown as RouteCompilerFactory),
  buildSerializer: prebuiltSerializers,
} as unknown as CompilersFactory;
