import { readFileSync } from "node:fs";
import { printSchema } from "graphql";
import { afterEach, describe, expect, it } from "vitest";
import {
  buildLinearSchema,
  type FakeLinearServer,
  LINEAR_FULL_SCHEMA_ENV,
  LINEAR_SUBSET_SCHEMA_PATH,
  startFakeLinear,
  subsetLinearSchema,
} from "../src/index.ts";

const fullSchemaPath = process.env[LINEAR_FULL_SCHEMA_ENV];
let fake: FakeLinearServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

interface Answer {
  data?: {
    issues: { nodes: { identifier: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  };
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function post(
  body: unknown,
  authorization?: string,
): Promise<{ status: number; json: Answer; text: string; headers: Headers }> {
  const response = await fetch(fake!.endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: authorization ?? fake!.apiKey },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json: Answer = {};
  try {
    json = JSON.parse(text) as Answer;
  } catch {
    // Not JSON: the test looks at `text`.
  }
  return { status: response.status, json, text, headers: response.headers };
}

const PAGE = `query Page($after: String) {
  issues(first: 2, after: $after, filter: { state: { name: { in: ["Todo"] } } }) {
    nodes { identifier }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe("fake Linear server", () => {
  it("[S17.3-linear-fake-server] pages issues with real cursors and applies mutations to its store", async () => {
    fake = await startFakeLinear();
    for (let n = 0; n < 5; n++)
      fake.store.addIssue({ title: `Issue ${n}`, state: n === 2 ? "Done" : "Todo" });
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { json } = await post({ query: PAGE, variables: { after } });
      seen.push(...json.data!.issues.nodes.map((node) => node.identifier));
      if (!json.data!.issues.pageInfo.hasNextPage) break;
      after = json.data!.issues.pageInfo.endCursor;
    }
    expect(seen).toEqual(["BAT-1", "BAT-2", "BAT-4", "BAT-5"]);

    const done = fake.store.state("Done").id;
    const { json } = await post({
      query: `mutation { issueUpdate(id: "BAT-1", input: { stateId: "${done}" }) { success issue { state { name } } } }`,
    });
    expect(json).toEqual({ data: { issueUpdate: { success: true, issue: { state: { name: "Done" } } } } });
    expect(fake.store.stateName("BAT-1")).toBe("Done");
  });

  it("[S17.3-linear-fake-server] checks the Authorization header and validates documents against Linear's schema", async () => {
    fake = await startFakeLinear();
    expect((await post({ query: "{ viewer { id } }" }, "wrong")).status).toBe(401);
    const invalid = await post({ query: "{ viewer { id emailAddress } }" });
    expect(invalid.status).toBe(400);
    expect(invalid.json.errors![0]!.message).toContain('Cannot query field "emailAddress" on type "User"');
    const unimplemented = await post({
      query: '{ issues(filter: { title: { eq: "x" } }) { nodes { id } } }',
    });
    expect(unimplemented.json.errors![0]!.message).toBe("fake Linear does not implement filter.title");
    expect(fake.requests.map((request) => request.authorization)).toEqual([
      "wrong",
      fake.apiKey,
      fake.apiKey,
    ]);
  });

  it("[S17.3-linear-fake-server] injects 500s, rate limits with Linear's headers, malformed payloads and hangs", async () => {
    fake = await startFakeLinear();
    fake.inject(
      { type: "status", status: 500 },
      { type: "rate_limit", retryAfterSeconds: 3, resetAt: 1_900_000_000_000 },
      { type: "malformed", body: "{oops" },
      { type: "hang" },
    );
    expect((await post({ query: "{ viewer { id } }" })).status).toBe(500);
    const limited = await post({ query: "{ viewer { id } }" });
    expect(limited.status).toBe(400);
    expect(limited.json.errors![0]!.extensions!.code).toBe("RATELIMITED");
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(limited.headers.get("x-ratelimit-requests-remaining")).toBe("0");
    expect(limited.headers.get("x-ratelimit-requests-reset")).toBe("1900000000000");
    expect((await post({ query: "{ viewer { id } }" })).text).toBe("{oops");
    const hanging = post({ query: "{ viewer { id } }" });
    await expect(
      Promise.race([hanging, new Promise((resolve) => setTimeout(() => resolve("still waiting"), 200))]),
    ).resolves.toBe("still waiting");
    await fake.close();
    fake = undefined;
    await expect(hanging).rejects.toThrow();
  });

  // CI must prove the committed subset is Linear's own schema, cut down: there a missing path fails.
  it.skipIf(fullSchemaPath === undefined && process.env.CI !== "true")(
    `[S17.3-linear-fake-server] commits exactly the subset generated from Linear's full schema (${LINEAR_FULL_SCHEMA_ENV})`,
    () => {
      if (fullSchemaPath === undefined) {
        throw new Error(
          `${LINEAR_FULL_SCHEMA_ENV} is not set: CI must point it at ../shared/reference/linear-schema.graphql`,
        );
      }
      // Compared as schemas, not text: biome formats the committed file.
      const regenerated = subsetLinearSchema(readFileSync(fullSchemaPath, "utf8"));
      expect(printSchema(buildLinearSchema(readFileSync(LINEAR_SUBSET_SCHEMA_PATH, "utf8")))).toBe(
        printSchema(buildLinearSchema(regenerated)),
      );
    },
  );
});
