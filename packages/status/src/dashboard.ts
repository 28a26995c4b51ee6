import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

export interface DashboardPage {
  html: string;
  /** Allows exactly the inlined style and script (by hash), and fetches to this server only. */
  contentSecurityPolicy: string;
}

function cspHash(source: string): string {
  return `'sha256-${createHash("sha256").update(source).digest("base64")}'`;
}

/**
 * The dashboard is one self-contained HTML document: the stylesheet and script in `public/` are
 * inlined, so the page shell is the only unauthenticated request and the CSP can pin both by hash.
 */
export async function loadDashboard(): Promise<DashboardPage> {
  // Resolved by package name: the same from src/, dist/ and the CLI's bundle.
  const assets = createRequire(import.meta.url);
  const read = (name: string) => readFile(assets.resolve(`@baton/status/public/${name}`), "utf8");
  const [shell, style, script] = await Promise.all([
    read("dashboard.html"),
    read("dashboard.css"),
    read("dashboard.js"),
  ]);
  const html = shell
    .replace("<!-- dashboard.css -->", () => `<style>${style}</style>`)
    .replace("<!-- dashboard.js -->", () => `<script>${script}</script>`);
  return {
    html,
    contentSecurityPolicy: [
      "default-src 'none'",
      `script-src ${cspHash(script)}`,
      `style-src ${cspHash(style)}`,
      "img-src data:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join("; "),
  };
}
