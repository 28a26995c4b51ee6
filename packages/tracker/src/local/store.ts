import { randomBytes } from "node:crypto";
import type { BigIntStats } from "node:fs";
import { link, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { Issue, Logger } from "@baton/domain";
import { BatonError, isBatonError, normalizeLabels, normalizeState, silentLogger } from "@baton/domain";
import {
  LOCAL_DEFAULT_ACTIVE_STATES,
  LOCAL_DEFAULT_PREFIX,
  LOCAL_DEFAULT_TERMINAL_STATES,
  TICKET_PREFIX_PATTERN,
} from "./defaults.ts";
import {
  appendComment,
  type DispatchRules,
  describe,
  dispatchRules,
  identifierFromFileName,
  isTicketIdentifier,
  parseTicketText,
  readTicket,
  renderTicketText,
  TICKET_EXTENSION,
  type Ticket,
  type TicketComment,
  type TicketText,
  toIssue,
} from "./ticket-format.ts";

export interface LocalTicketStoreOptions {
  /** Clock for created_at/updated_at and comment headings. */
  now?: () => Date;
  /** Identifier prefix for new tickets (`BAT` → `BAT-1`, `BAT-2`, ...). */
  prefix?: string;
  /** Active states; the first one is where tickets wait for their blockers. */
  activeStates?: readonly string[];
  /** Terminal states; blockers in these states no longer block. */
  terminalStates?: readonly string[];
  /** Directory that file paths in messages and `native_ref.path` are relative to (default: the folder's parent). */
  relativeTo?: string;
  logger?: Logger;
}

export interface NewTicket {
  title: string;
  state?: string;
  priority?: number | null;
  labels?: readonly string[];
  description?: string;
  blockedBy?: readonly string[];
}

export interface TicketDetails {
  issue: Issue;
  comments: TicketComment[];
}

/** How long a writer waits for another writer's lock on the same ticket before giving up. */
const LOCK_WAIT_MS = 15_000;
/** A lock older than this was left by a crashed writer (writes take milliseconds). */
const LOCK_STALE_MS = 10_000;
/** Retries when the file changes between our read and our rename (e.g. an editor saved it). */
const MAX_REWRITE_ATTEMPTS = 10;
const MAX_CREATE_ATTEMPTS = 1_000;

/**
 * The ticket folder: reads normalize files into Issues; writes are atomic (temp file + rename in the
 * same folder) and serialized per ticket with a lock file, and a rewrite is retried when the file
 * changed underneath it, so concurrent `baton issue move` and agent tool calls never lose an edit.
 */
export class LocalTicketStore {
  readonly folder: string;
  private readonly now: () => Date;
  private readonly prefix: string;
  private readonly rules: DispatchRules;
  private readonly relativeTo: string;
  private readonly logger: Logger;
  /** Parsed tickets by identifier, with the file signature they were parsed under. */
  private readonly parsed = new Map<string, { signature: string; ticket: Ticket }>();

  constructor(folder: string, options: LocalTicketStoreOptions = {}) {
    this.folder = folder;
    this.now = options.now ?? (() => new Date());
    this.prefix = options.prefix ?? LOCAL_DEFAULT_PREFIX;
    if (!TICKET_PREFIX_PATTERN.test(this.prefix)) {
      throw new BatonError(
        "invalid_tracker_config",
        `ticket prefix ${describe(this.prefix)} must be an upper-case letter followed by upper-case letters or digits`,
        { prefix: this.prefix },
      );
    }
    this.rules = dispatchRules(
      options.activeStates ?? LOCAL_DEFAULT_ACTIVE_STATES,
      options.terminalStates ?? LOCAL_DEFAULT_TERMINAL_STATES,
    );
    this.relativeTo = options.relativeTo ?? dirname(folder);
    this.logger = options.logger ?? silentLogger;
  }

  /** Creates `<PREFIX>-<n>.md` with the next free number; racing creators get distinct numbers. */
  async create(input: NewTicket): Promise<Issue> {
    const timestamp = this.now().toISOString();
    const data = {
      title: requireInputText(input.title, "title"),
      state: requireInputText(input.state ?? "Todo", "state"),
      priority: requireInputPriority(input.priority ?? null),
      labels: normalizeLabels(requireInputList(input.labels ?? [], "labels")),
      blocked_by: requireInputList(input.blockedBy ?? [], "blockedBy").map(requireIdentifier),
      assignee: null,
      branch_name: null,
      created_at: timestamp,
      updated_at: timestamp,
    };
    const body =
      input.description === undefined ? "" : `${requireInputString(input.description, "description")}\n`;
    await this.fs(`cannot create ticket folder ${this.folder}`, () =>
      mkdir(this.folder, { recursive: true }),
    );
    let number = await this.nextNumber();
    for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++, number++) {
      const identifier = `${this.prefix}-${number}`;
      const text = renderTicketText({ data: { identifier, ...data }, body });
      const temp = await this.writeTemp(identifier, text);
      try {
        // link() fails if the name exists, so two creators never share a number, and readers only
        // ever see the complete file.
        await link(temp, this.pathOf(identifier));
        const file = this.display(identifier);
        return await this.issueFor(readTicket(parseTicketText(text, file), file, identifier));
      } catch (error) {
        if (errorCode(error) !== "EEXIST")
          throw this.fsError(error, `cannot create ${this.display(identifier)}`);
      } finally {
        await rm(temp, { force: true });
      }
    }
    throw new BatonError("tracker_request", `no free ticket number found in ${this.folder}`, {
      folder: this.folder,
    });
  }

  /** Every readable ticket, optionally only those in `states` (trim + lowercase). Malformed files are skipped and logged. */
  async list(states?: readonly string[]): Promise<Issue[]> {
    const tickets = await this.readAll();
    const blockerStates = new Map(tickets.map((ticket) => [ticket.identifier, ticket.state]));
    const wanted = states === undefined ? null : new Set(states.map(normalizeState));
    return tickets
      .filter((ticket) => wanted === null || wanted.has(normalizeState(ticket.state)))
      .map((ticket) => toIssue(ticket, blockerStates, this.rules));
  }

  /** The ticket as an Issue; `ticket_not_found` or `tracker_response` (malformed) otherwise. */
  async get(identifier: string): Promise<Issue> {
    return (await this.details(identifier)).issue;
  }

  /** The Issue plus the comments recorded in the file. */
  async details(identifier: string): Promise<TicketDetails> {
    const ticket = await this.readOne(requireIdentifier(identifier));
    if (ticket === null) throw this.notFound(identifier);
    return { issue: await this.issueFor(ticket), comments: ticket.comments };
  }

  /**
   * The requested tickets that exist (input as a set). Missing ones are omitted; a malformed
   * requested ticket fails the whole call, because omission would read as "gone".
   */
  async find(identifiers: readonly string[]): Promise<Issue[]> {
    const issues: Issue[] = [];
    for (const identifier of new Set(identifiers)) {
      if (!isTicketIdentifier(identifier)) continue;
      const ticket = await this.readOne(identifier);
      if (ticket !== null) issues.push(await this.issueFor(ticket));
    }
    return issues;
  }

  async move(identifier: string, state: string): Promise<Issue> {
    const next = requireInputText(state, "state");
    return this.rewrite(identifier, (ticket) => ({ ...ticket, data: { ...ticket.data, state: next } }));
  }

  /** Appends a `### <timestamp> — <author>` entry under the ticket's `## Comments` heading. */
  async comment(identifier: string, body: string, author: string): Promise<Issue> {
    const text = requireInputText(body, "body");
    const by = requireInputText(author, "author");
    if (by.includes("\n")) throw invalidInput("author", author, "must be a single line");
    return this.rewrite(identifier, (ticket, timestamp) => ({
      ...ticket,
      body: appendComment(ticket.body, { timestamp, author: by, body: text }),
    }));
  }

  /** Absolute path of a ticket's file. */
  pathOf(identifier: string): string {
    return join(this.folder, `${identifier}${TICKET_EXTENSION}`);
  }

  private display(identifier: string): string {
    return relative(this.relativeTo, this.pathOf(identifier));
  }

  private async readAll(): Promise<Ticket[]> {
    const entries = await this.fs(`cannot read ticket folder ${this.folder}`, () => readdir(this.folder));
    const tickets: Ticket[] = [];
    const present = new Set<string>();
    for (const entry of entries.sort()) {
      const identifier = identifierFromFileName(entry);
      if (identifier === null) continue;
      present.add(identifier);
      try {
        const ticket = await this.readOne(identifier);
        if (ticket !== null) tickets.push(ticket);
      } catch (error) {
        if (!isBatonError(error, "tracker_response")) throw error;
        this.logger.warn(
          { file: this.display(identifier), reason: error.message },
          "skipping malformed ticket file; it cannot be dispatched until fixed",
        );
      }
    }
    for (const identifier of this.parsed.keys()) if (!present.has(identifier)) this.parsed.delete(identifier);
    return tickets;
  }

  /**
   * The ticket, or null when its file does not exist; BatonError `tracker_response` when malformed.
   * A file whose identity, size and change times are those of the copy parsed before is not read
   * again (parsing is most of a poll's cost); see `signatureOf` for when a copy may be kept.
   */
  private async readOne(identifier: string): Promise<Ticket | null> {
    const path = this.pathOf(identifier);
    let signature: string | null;
    try {
      signature = signatureOf(await stat(path, { bigint: true }), this.now().getTime());
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw this.fsError(error, `cannot read ${this.display(identifier)}`);
      this.parsed.delete(identifier);
      return null;
    }
    const kept = this.parsed.get(identifier);
    if (signature !== null && kept?.signature === signature) return kept.ticket;
    const text = await this.readText(identifier);
    if (text === null) {
      this.parsed.delete(identifier);
      return null;
    }
    const file = this.display(identifier);
    const ticket = readTicket(parseTicketText(text, file), file, identifier);
    // Read after the stat: content newer than the signature only makes the next read parse again.
    if (signature === null) this.parsed.delete(identifier);
    else this.parsed.set(identifier, { signature, ticket });
    return ticket;
  }

  private async readText(identifier: string): Promise<string | null> {
    try {
      return await readFile(this.pathOf(identifier), "utf8");
    } catch (error) {
      if (errorCode(error) === "ENOENT") return null;
      if (errorCode(error) === "EISDIR") {
        const file = this.display(identifier);
        throw new BatonError("tracker_response", `${file} is a directory, not a ticket file`, { file });
      }
      throw this.fsError(error, `cannot read ${this.display(identifier)}`);
    }
  }

  /** Resolves blocker states from the folder: missing or malformed blockers stay unknown (unfinished). */
  private async issueFor(ticket: Ticket): Promise<Issue> {
    const blockerStates = new Map<string, string>();
    for (const blocker of ticket.blockedBy) {
      const found = await this.readOne(blocker).catch((error: unknown) => {
        if (isBatonError(error, "tracker_response")) return null;
        throw error;
      });
      if (found !== null) blockerStates.set(blocker, found.state);
    }
    return toIssue(ticket, blockerStates, this.rules);
  }

  private async rewrite(
    identifier: string,
    edit: (ticket: TicketText, timestamp: string) => TicketText,
  ): Promise<Issue> {
    requireIdentifier(identifier);
    const file = this.display(identifier);
    const path = this.pathOf(identifier);
    return this.withLock(identifier, async () => {
      for (let attempt = 0; attempt < MAX_REWRITE_ATTEMPTS; attempt++) {
        const before = await this.readText(identifier);
        if (before === null) throw this.notFound(identifier);
        const timestamp = this.now().toISOString();
        const edited = edit(parseTicketText(before, file), timestamp);
        edited.data = { ...edited.data, updated_at: timestamp };
        const ticket = readTicket(edited, file, identifier);
        const temp = await this.writeTemp(identifier, renderTicketText(edited));
        try {
          // Writers that bypass the lock (an editor, git) show up as a changed file: start over.
          if ((await this.readText(identifier)) !== before) continue;
          await this.fs(`cannot replace ${file}`, () => rename(temp, path));
          return this.issueFor(ticket);
        } finally {
          await rm(temp, { force: true });
        }
      }
      throw new BatonError("tracker_request", `${file} kept changing while it was being updated; try again`, {
        file,
      });
    });
  }

  private async withLock<T>(identifier: string, work: () => Promise<T>): Promise<T> {
    const lock = join(this.folder, `.${identifier}.lock`);
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await (await open(lock, "wx")).close();
        break;
      } catch (error) {
        if (errorCode(error) === "ENOENT") throw this.notFound(identifier);
        if (errorCode(error) !== "EEXIST")
          throw this.fsError(error, `cannot lock ${this.display(identifier)}`);
      }
      if (await isStaleLock(lock)) {
        await rm(lock, { force: true });
      } else if (Date.now() > deadline) {
        throw new BatonError(
          "tracker_request",
          `${this.display(identifier)} is locked by another writer (${lock}); delete the lock file if no Baton process is writing`,
          { file: this.display(identifier) },
        );
      } else {
        await sleep(5 + Math.random() * 15);
      }
    }
    try {
      return await work();
    } finally {
      await rm(lock, { force: true });
    }
  }

  /** Temp files are hidden (dot-prefixed) so listings and the watcher ignore them. */
  private async writeTemp(identifier: string, text: string): Promise<string> {
    const temp = join(this.folder, `.${identifier}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
    await this.fs(`cannot write ${temp}`, () => writeFile(temp, text, { flag: "wx" }));
    return temp;
  }

  private async nextNumber(): Promise<number> {
    const pattern = new RegExp(`^${this.prefix}-(\\d+)\\${TICKET_EXTENSION}$`);
    const entries = await this.fs(`cannot read ticket folder ${this.folder}`, () => readdir(this.folder));
    let highest = 0;
    for (const entry of entries) {
      const match = pattern.exec(entry);
      if (match) highest = Math.max(highest, Number(match[1]));
    }
    return highest + 1;
  }

  private notFound(identifier: string): BatonError {
    return new BatonError(
      "ticket_not_found",
      `no ticket ${identifier}: ${this.display(identifier)} does not exist`,
      { identifier, file: this.display(identifier) },
    );
  }

  private async fs<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw this.fsError(error, what);
    }
  }

  private fsError(error: unknown, what: string): BatonError {
    if (isBatonError(error)) return error;
    const code = errorCode(error);
    const reason =
      code === "ENOENT" ? "it does not exist" : error instanceof Error ? error.message : String(error);
    return new BatonError("tracker_request", `${what}: ${reason}`, { code }, { cause: error });
  }
}

/**
 * How long after its last change a file's signature is trusted. File times come from a coarse
 * clock (a few ms), so a file changed in place again within the same tick, to the same size, keeps
 * its signature: a file changed this recently is parsed on every read until it is older than this.
 */
const SIGNATURE_SETTLE_MS = 1000n;

/**
 * Device, inode, size, and the modification and status-change times in ns of a regular file, or
 * null when it must be read anyway (not a regular file, or changed within SIGNATURE_SETTLE_MS of
 * `nowMs`). The status-change time moves on every write and cannot be set back, unlike the
 * modification time.
 */
function signatureOf(info: BigIntStats, nowMs: number): string | null {
  if (!info.isFile() || BigInt(nowMs) - info.ctimeMs < SIGNATURE_SETTLE_MS) return null;
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
}

async function isStaleLock(lock: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(lock)).mtimeMs > LOCK_STALE_MS;
  } catch {
    return false; // released meanwhile: simply try again
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function invalidInput(field: string, value: unknown, problem: string): BatonError {
  return new BatonError(
    "invalid_ticket_input",
    `ticket field "${field}" ${problem}, got ${describe(value)}`,
    {
      field,
    },
  );
}

function requireInputString(value: unknown, field: string): string {
  if (typeof value !== "string") throw invalidInput(field, value, "must be a string");
  return value;
}

function requireInputText(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "")
    throw invalidInput(field, value, "must be non-empty text");
  return value.trim();
}

function requireInputPriority(value: unknown): number | null {
  if (value === null || (typeof value === "number" && Number.isInteger(value))) return value;
  throw invalidInput("priority", value, "must be an integer or null");
}

function requireInputList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === "string")) {
    throw invalidInput(field, value, "must be a list of strings");
  }
  return value;
}

function requireIdentifier(value: string): string {
  if (!isTicketIdentifier(value)) {
    throw invalidInput(
      "identifier",
      value,
      "must be a ticket identifier like BAT-12 (letters, digits, '-', '_', '.')",
    );
  }
  return value;
}
