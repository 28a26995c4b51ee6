/** The `claude:` settings a session is started with (WORKFLOW.md; see packages/workflow/README.md). */
export interface ClaudeCommandSettings {
  /** `claude.command`: the executable (or a shell prefix), run by `bash -lc`. */
  command: string;
  model: string | null;
  permission_mode: string;
  allowed_tools: readonly string[];
  disallowed_tools: readonly string[];
  extra_args: readonly string[];
}

/**
 * The headless Claude Code command line: prompts and control requests go in as JSON lines on
 * stdin, every message comes out as a JSON line on stdout, and the process lives for the whole
 * session so continuation turns reuse its conversation.
 */
export function claudeCommandLine(
  settings: ClaudeCommandSettings,
  session: { sessionId: string; mcpConfig: string },
): string {
  const args = [
    "-p",
    "--input-format",
    "stream-json",
    "--output-format",
    "stream-json",
    "--verbose",
    "--session-id",
    session.sessionId,
    // Only Baton's tool server: MCP servers from the user's or the repo's settings stay out.
    "--mcp-config",
    session.mcpConfig,
    "--strict-mcp-config",
    "--permission-mode",
    settings.permission_mode,
  ];
  if (settings.model !== null) args.push("--model", settings.model);
  if (settings.allowed_tools.length > 0) args.push("--allowedTools", ...settings.allowed_tools);
  if (settings.disallowed_tools.length > 0) args.push("--disallowedTools", ...settings.disallowed_tools);
  // Options taking a list end at the next option; extra_args come last and may add any.
  return [settings.command, ...args.map(shellQuote), ...settings.extra_args.map(shellQuote)].join(" ");
}

/** Single-quotes a word for bash, so JSON and tool patterns pass through unchanged. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
