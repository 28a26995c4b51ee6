import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { BatonError } from "@baton/domain";

export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || bare.toLowerCase().startsWith("::ffff:127.");
  return false;
}

/** Anyone who can reach a non-loopback listener could read ticket data: require a token there. */
export function assertSafeBind(host: string, token: string | null): void {
  if (token !== null || isLoopbackHost(host)) return;
  throw new BatonError(
    "invalid_server_config",
    `server.host is ${host}, which is reachable from other machines, but server.token is not set: ` +
      "set server.token (for example server.token: $BATON_STATUS_TOKEN) or bind a loopback address",
    { field: "server.token", host },
  );
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Compares `Authorization: Bearer <token>` in constant time (hashing first evens out the lengths). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}
