import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";

/** Debian's chromium (installed by .ci/run), or the browser BATON_CHROMIUM names. */
export const CHROMIUM_PATH = process.env.BATON_CHROMIUM ?? "/usr/bin/chromium";

export interface HeadlessChromium {
  context: BrowserContext;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile, started with the flags this closed network needs
 * (no background networking, no component updates, no QUIC). A missing browser is an error
 * with the install hint, never a silent skip.
 */
export async function launchHeadlessChromium(
  options: { viewport?: { width: number; height: number } } = {},
): Promise<HeadlessChromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is needed for the dashboard browser tests and was not found at ${CHROMIUM_PATH}. ` +
        "Install Debian's package (apt-get install -y chromium) or set BATON_CHROMIUM to its path.",
    );
  }
  // Loaded here, not at import: the demo imports the testkit and never needs a browser.
  const { chromium } = await import("playwright-core");
  const profile = await mkdtemp(join(tmpdir(), "baton-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...(options.viewport ? { viewport: options.viewport } : {}),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
export type { BrowserContext } from "playwright-core";
