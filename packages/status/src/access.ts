import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

// Node built-ins only: the front thread (front-thread.ts) makes the same decision as the guard.

export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || bare.toLowerCase().startsWith("::ffff:127.");
  return false;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Compares `Authorization: Bearer <token>` in constant time (hashing first evens out the lengths). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

/** Host header without the port, brackets kept for IPv6 (`[::1]:8080` → `[::1]`). */
function hostName(header: string | undefined): string {
  if (!header) return "";
  return header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : header.split(":")[0]!;
}

export interface AccessRefusal {
  code: "forbidden_host" | "unauthorized";
  message: string;
}

/**
 * Who may read or act, before any route runs. With a token, every request but the dashboard's page
 * shell must carry it. Without one (loopback only), the Host header must name a loopback host too,
 * so a web page cannot reach the API through DNS rebinding.
 */
export function accessRefusal(
  request: { pageShell: boolean; host: string | undefined; authorization: string | undefined },
  token: string | null,
): AccessRefusal | null {
  if (token === null) {
    if (isLoopbackHost(hostName(request.host))) return null;
    return { code: "forbidden_host", message: "this status server answers only to loopback host names" };
  }
  if (request.pageShell || bearerMatches(request.authorization, token)) return null;
  return {
    code: "unauthorized",
    message: "missing or wrong bearer token (Authorization: Bearer <server.token>)",
  };
}
