import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is conformance/src/paths.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Starts Baton for the black-box profile. */
export const BATON_TEMPLATE = `node ${JSON.stringify(path.join(REPO_ROOT, "apps/baton/bin/baton.js"))} {workflow} --port {port}`;
