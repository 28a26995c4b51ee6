import { readFileSync } from "node:fs";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { SERIALIZERS_PATH, serializersSource } from "../scripts/compile-serializers.ts";
import { lazyCompilersFactory } from "../src/lazy-compilers.ts";

describe("the response serializers compiled ahead of time", () => {
  it("[S13.7.2-schemas] are the response schemas as they are now: run `pnpm --filter @baton/status compile-serializers` after changing one", () => {
    expect(readFileSync(SERIALIZERS_PATH, "utf8") === serializersSource()).toBe(true);
  });

  it("[S13.7.2-schemas] a route answering with a schema that was not compiled keeps the server from starting, naming the route", async () => {
    const app = Fastify({ schemaController: { compilersFactory: lazyCompilersFactory } });
    const undeclared = { type: "object", properties: { x: { type: "string" } } } as const;
    app.get("/api/v1/new", { schema: { response: { 200: undeclared } } }, async () => ({ x: "y" }));
    await expect(app.ready()).rejects.toThrow(
      /the 200 response schema of GET \/api\/v1\/new is not in responseSchemas/,
    );
    await app.close();
  });
});
