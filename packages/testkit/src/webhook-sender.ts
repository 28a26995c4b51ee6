import { createHmac, randomUUID } from "node:crypto";

/** Where a fake tracker sends its webhooks: Baton's endpoint and the shared signing secret. */
export interface WebhookTarget {
  url: string;
  secret: string;
}

/**
 * POSTs `payload` signed like the real tracker signs it: Linear puts the hex HMAC-SHA256 of the
 * body in `Linear-Signature`; GitHub puts `sha256=<hex>` in `X-Hub-Signature-256` with an event
 * name and a delivery id. Resolves with the HTTP status Baton answered.
 */
export async function deliverSignedWebhook(
  provider: "linear" | "github",
  target: WebhookTarget,
  payload: Record<string, unknown>,
): Promise<number> {
  const body = JSON.stringify(payload);
  const hex = createHmac("sha256", target.secret).update(body).digest("hex");
  const headers: Record<string, string> =
    provider === "linear"
      ? {
          "content-type": "application/json; charset=utf-8",
          "linear-signature": hex,
          "linear-event": "Issue",
        }
      : {
          "content-type": "application/json",
          "x-hub-signature-256": `sha256=${hex}`,
          "x-github-event": "issues",
          "x-github-delivery": randomUUID(),
        };
  const response = await fetch(target.url, { method: "POST", headers, body });
  await response.arrayBuffer();
  return response.status;
}
