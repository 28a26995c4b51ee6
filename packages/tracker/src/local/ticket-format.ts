import { createRequire } from "node:module";
import type { BlockerRef, Issue } from "@baton/domain";
import {
  BatonError,
  normalizeLabels,
  normalizePriority,
  normalizeState,
  normalizeTimestamp,
} from "@baton/domain";
import YAML from "yaml";

/**
 * The pure half of the local tracker: how a ticket file's text maps to front matter + body, to a
 * validated ticket and to a normalized Issue, and how edits are rendered back to text.
 */

/** Letters, digits, `_`, `-` and single dots; never `/`, `\` or `..`, so it cannot leave the folder. */
const IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isTicketIdentifier(value: unknown): value is string {
  return typeof value === "string" && IDENTIFIER_PATTERN.test(value) && !value.includes("..");
}

export const TICKET_EXTENSION = ".md";

/** File names in the folder that are not tickets (folder documentation). */
const NON_TICKET_FILES = new Set(["readme.md"]);

/** The identifier a folder entry holds, or null for temp/lock/hidden files and non-Markdown files. */
export function identifierFromFileName(fileName: string): string | null {
  if (!fileName.endsWith(TICKET_EXTENSION) || NON_TICKET_FILES.has(fileName.toLowerCase())) return null;
  const stem = fileName.slice(0, -TICKET_EXTENSION.length);
  return isTicketIdentifier(stem) ? stem : null;
}

type GrayMatter = typeof import("gray-matter");
let grayMatter: GrayMatter | null = null;

/** gray-matter on first use: its require loads js-yaml and esprima, too slow for Baton's startup path. */
function matter(): GrayMatter {
  grayMatter ??= createRequire(import.meta.url)("gray-matter") as GrayMatter;
  return grayMatter;
}

const refuseEngine = {
  parse(): object {
    throw new Error("only YAML front matter is accepted");
  },
};

/**
 * gray-matter with the `yaml` package (YAML 1.2: timestamps stay strings) and every other engine
 * refused: gray-matter would otherwise `eval` a `---js` block, and ticket files are agent-writable.
 */
const matterOptions = {
  language: "yaml",
  engines: {
    yaml: {
      parse: (text: string) => YAML.parse(text) as object,
      stringify: (data: object) => YAML.stringify(data),
    },
    javascript: refuseEngine,
    coffee: refuseEngine,
    json: refuseEngine,
  },
};

export interface TicketText {
  /** Front matter as written, unknown keys included (they survive rewrites). */
  data: Record<string, unknown>;
  /** Markdown after the front matter: description, then the optional comments section. */
  body: string;
}

/** Splits a ticket file into front matter and body; BatonError `tracker_response` naming the file. */
export function parseTicketText(text: string, file: string): TicketText {
  let parsed: { data: unknown; content: string };
  try {
    parsed = matter()(text, matterOptions);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BatonError("tracker_response", `${file}: front matter is not valid YAML: ${reason}`, { file });
  }
  if (!isPlainObject(parsed.data)) {
    throw new BatonError("tracker_response", `${file}: front matter must be a YAML map of ticket fields`, {
      file,
    });
  }
  return { data: parsed.data, body: parsed.content };
}

export function renderTicketText(ticket: TicketText): string {
  return matter().stringify(ticket.body, ticket.data, matterOptions);
}

export interface TicketComment {
  /** RFC 3339 as written in the heading. */
  timestamp: string;
  author: string;
  body: string;
}

/** A ticket file whose required fields are valid; optional fields already fall back to null/[]. */
export interface Ticket {
  /** Path relative to the ticket folder's parent, e.g. `tickets/BAT-1.md`; used in messages and native_ref. */
  file: string;
  identifier: string;
  title: string;
  state: string;
  priority: number | null;
  labels: string[];
  /** Identifiers of blocking tickets, as listed (invalid entries dropped). */
  blockedBy: string[];
  assignee: string | null;
  branchName: string | null;
  url: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  description: string | null;
  comments: TicketComment[];
}

const COMMENTS_HEADING = /^## Comments[ \t]*$/m;
const COMMENT_HEADING = /^### (\S+) — (.+)$/gm;

/** Validates the required fields and applies the optional-field fallbacks of SPEC 11.3. */
export function readTicket(text: TicketText, file: string, expectedIdentifier: string): Ticket {
  const { data } = text;
  const identifier = requiredText(data, "identifier", file);
  if (identifier !== expectedIdentifier) {
    throw new BatonError(
      "tracker_response",
      `${file}: front matter field "identifier" is ${describe(identifier)} but the file name says ${describe(expectedIdentifier)}`,
      { file, field: "identifier" },
    );
  }
  const { description, comments } = splitComments(text.body);
  return {
    file,
    identifier,
    title: requiredText(data, "title", file),
    state: requiredText(data, "state", file),
    priority: normalizePriority(data.priority),
    labels: normalizeLabels(Array.isArray(data.labels) ? data.labels : []),
    blockedBy: Array.isArray(data.blocked_by) ? [...new Set(data.blocked_by.filter(isTicketIdentifier))] : [],
    assignee: optionalText(data.assignee),
    branchName: optionalText(data.branch_name),
    url: optionalText(data.url),
    createdAt: normalizeTimestamp(data.created_at),
    updatedAt: normalizeTimestamp(data.updated_at),
    description,
    comments,
  };
}

function splitComments(body: string): { description: string | null; comments: TicketComment[] } {
  const heading = COMMENTS_HEADING.exec(body);
  const descriptionText = (heading ? body.slice(0, heading.index) : body).trim();
  const description = descriptionText === "" ? null : descriptionText;
  if (!heading) return { description, comments: [] };
  const section = body.slice(heading.index + heading[0].length);
  const headings = [...section.matchAll(COMMENT_HEADING)];
  const comments = headings.map((match, index) => {
    const end = headings[index + 1]?.index ?? section.length;
    return {
      timestamp: match[1]!,
      author: match[2]!.trim(),
      body: section.slice(match.index + match[0].length, end).trim(),
    };
  });
  return { description, comments };
}

/** Appends a comment entry, creating the `## Comments` section on first use. */
export function appendComment(body: string, comment: TicketComment): string {
  const trimmed = body.trimEnd();
  const section = COMMENTS_HEADING.test(trimmed)
    ? trimmed
    : `${trimmed}${trimmed === "" ? "" : "\n\n"}## Comments`;
  return `${section}\n\n### ${comment.timestamp} — ${comment.author}\n\n${comment.body.trim()}\n`;
}

export interface DispatchRules {
  /** Normalized state whose tickets wait for their blockers (the first active state, "todo" by default). */
  gatedState: string | null;
  /** Normalized terminal states: a blocker in one of them no longer blocks. */
  terminalStates: ReadonlySet<string>;
}

export function dispatchRules(
  activeStates: readonly string[],
  terminalStates: readonly string[],
): DispatchRules {
  const first = activeStates[0];
  return {
    gatedState: first === undefined ? null : normalizeState(first),
    terminalStates: new Set(terminalStates.map(normalizeState)),
  };
}

/**
 * The normalized Issue. `blockerStates` maps blocker identifiers to their current state; a blocker
 * that is absent (no such ticket, or unreadable) is unknown and counts as unfinished.
 */
export function toIssue(
  ticket: Ticket,
  blockerStates: ReadonlyMap<string, string>,
  rules: DispatchRules,
): Issue {
  const blockedBy: BlockerRef[] = ticket.blockedBy.map((identifier) => {
    const state = blockerStates.get(identifier) ?? null;
    return { id: state === null ? null : identifier, identifier, state };
  });
  const waitsForBlockers = rules.gatedState !== null && normalizeState(ticket.state) === rules.gatedState;
  const unfinishedBlocker = blockedBy.some(
    (blocker) => blocker.state === null || !rules.terminalStates.has(normalizeState(blocker.state)),
  );
  return {
    id: ticket.identifier,
    native_ref: { path: ticket.file },
    identifier: ticket.identifier,
    title: ticket.title,
    description: ticket.description,
    priority: ticket.priority,
    state: ticket.state,
    branch_name: ticket.branchName,
    url: ticket.url,
    assignee_id: ticket.assignee,
    // A copy: the store keeps parsed tickets, and an Issue is its holder's to change.
    labels: [...ticket.labels],
    blocked_by: blockedBy,
    dispatchable: !(waitsForBlockers && unfinishedBlocker),
    created_at: ticket.createdAt,
    updated_at: ticket.updatedAt,
  };
}

function requiredText(data: Record<string, unknown>, field: string, file: string): string {
  const value = data[field];
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (typeof text === "string" && text.trim() !== "") return text.trim();
  throw new BatonError(
    "tracker_response",
    value === undefined
      ? `${file}: front matter field "${field}" is missing`
      : `${file}: front matter field "${field}" must be a non-empty string, got ${describe(value)}`,
    { file, field },
  );
}

function optionalText(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short printable form of a value for error messages. */
export function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
