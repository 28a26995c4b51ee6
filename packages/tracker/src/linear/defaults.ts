/** Defaults of the Linear tracker, as the reference implementation documents them (SPEC 5.3.1). */
export const LINEAR_DEFAULT_ENDPOINT = "https://api.linear.app/graphql";
export const LINEAR_API_KEY_ENV = "LINEAR_API_KEY";
export const LINEAR_ASSIGNEE_ENV = "LINEAR_ASSIGNEE";
export const LINEAR_DEFAULT_ACTIVE_STATES: readonly string[] = ["Todo", "In Progress"];
export const LINEAR_DEFAULT_TERMINAL_STATES: readonly string[] = [
  "Closed",
  "Cancelled",
  "Canceled",
  "Duplicate",
  "Done",
];

/** Issues per page and IDs per refresh batch (the reference's page size, well under Linear's 250 cap). */
export const LINEAR_PAGE_SIZE = 50;
/** Blocking relations and labels read per issue in the same request. */
export const LINEAR_NESTED_PAGE_SIZE = 50;
/** A request that has not answered by then fails, so a hanging server cannot hang a poll tick. */
export const LINEAR_REQUEST_TIMEOUT_MS = 30_000;
/** Wait imposed after a rate-limited answer that says nothing about when to come back. */
export const LINEAR_DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
