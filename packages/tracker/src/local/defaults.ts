/** Defaults of the local tracker, shared by its profile (config layer) and its store. */
export const LOCAL_DEFAULT_FOLDER = "tickets";
export const LOCAL_DEFAULT_PREFIX = "BAT";
export const LOCAL_DEFAULT_ACTIVE_STATES: readonly string[] = ["Todo", "In Progress"];
export const LOCAL_DEFAULT_TERMINAL_STATES: readonly string[] = [
  "Done",
  "Closed",
  "Cancelled",
  "Canceled",
  "Duplicate",
];

/** Prefixes of generated identifiers: an upper-case letter, then upper-case letters or digits. */
export const TICKET_PREFIX_PATTERN = /^[A-Z][A-Z0-9]*$/;
