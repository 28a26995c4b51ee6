import { BatonError, httpStatusOf } from "@baton/domain";
import type { FastifyReply } from "fastify";
import { errorSchema } from "../schemas.ts";

/** Response schemas every route declares for its errors (the `{error: {code, message}}` envelope). */
export const errorResponses = { "4xx": errorSchema, "5xx": errorSchema };

export const identifierParams = {
  type: "object",
  properties: { issue_identifier: { type: "string", minLength: 1, maxLength: 200 } },
  required: ["issue_identifier"],
} as const;

/** Answers with the error envelope and the HTTP status `@baton/domain` maps the code to. */
export function sendError(reply: FastifyReply, code: string, message: string): FastifyReply {
  return reply.code(httpStatusOf(code) ?? 500).send({ error: { code, message } });
}

/** Resolves what `read` returns, or rejects with `snapshot_timeout` once `ms` have passed. */
export async function bounded<T>(read: () => T | Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new BatonError("snapshot_timeout", `the orchestrator did not answer within ${ms} ms; try again`),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(read), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
