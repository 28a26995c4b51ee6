import type { Logger } from "@baton/domain";

/** Methods that change state: every route serving one of them is an operator action. */
export const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface GuardRefusal {
  code: "cross_origin_refused" | "json_required";
  message: string;
}

export interface OperatorRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

function header(request: OperatorRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function hasBody(request: OperatorRequest): boolean {
  const length = header(request, "content-length");
  return header(request, "transfer-encoding") !== undefined || (length !== undefined && length !== "0");
}

/**
 * Decides whether an operator action may run (reads are never refused here). A browser attaches
 * `Origin` and `Sec-Fetch-Site` to every cross-origin POST, and a page on another origin can send
 * only "simple" content types (form encodings, text/plain) without a CORS preflight, which this
 * server never grants. So an action must come from this server's own origin (or from no browser
 * at all: curl and the CLI send no Origin) and carry a JSON body, or no body and no content type.
 */
export function refuseOperatorRequest(request: OperatorRequest): GuardRefusal | null {
  if (!STATE_CHANGING_METHODS.has(request.method)) return null;
  const fetchSite = header(request, "sec-fetch-site")?.toLowerCase();
  if (fetchSite === "cross-site" || fetchSite === "same-site") {
    return {
      code: "cross_origin_refused",
      message: `operator actions are accepted only from this server's own pages (Sec-Fetch-Site: ${fetchSite})`,
    };
  }
  const origin = header(request, "origin");
  if (origin !== undefined && !isOwnOrigin(origin, header(request, "host"))) {
    return {
      code: "cross_origin_refused",
      message: `operator actions are accepted only from this server's own pages, not from origin ${origin.slice(0, 200)}`,
    };
  }
  const contentType = header(request, "content-type");
  if (contentType === undefined ? hasBody(request) : !isJson(contentType)) {
    return {
      code: "json_required",
      message: `operator actions take a JSON body (Content-Type: application/json) or none, got ${contentType === undefined ? "a body without a content type" : JSON.stringify(contentType.slice(0, 100))}`,
    };
  }
  return null;
}

/** `http(s)://<Host header>`: the dashboard's own origin, directly or behind a TLS proxy. */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const parsed = new URL(origin);
    return (
      (parsed.protocol === "http:" || parsed.protocol === "https:") &&
      parsed.host === new URL(`http://${host}`).host
    );
  } catch {
    return false; // "null" (sandboxed frames, file:// pages) and anything unparsable
  }
}

function isJson(contentType: string): boolean {
  return contentType.split(";")[0]!.trim().toLowerCase() === "application/json";
}

/** One warning per refused request: the operator sees who tried what. */
export function logRefusal(
  logger: Logger,
  request: OperatorRequest & { url: string },
  refusal: GuardRefusal,
) {
  logger.warn(
    {
      method: request.method,
      path: request.url.split("?")[0]!.slice(0, 200),
      code: refusal.code,
      origin: header(request, "origin")?.slice(0, 200) ?? null,
      sec_fetch_site: header(request, "sec-fetch-site") ?? null,
      content_type: header(request, "content-type")?.slice(0, 100) ?? null,
    },
    `action=operator_request outcome=refused reason=${refusal.code}`,
  );
}
