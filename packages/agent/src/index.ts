export type { AgentClientSession, AgentProcessOptions, TurnInput, TurnOutcome } from "./agent-process.ts";
export { type ClaudeCommandSettings, claudeCommandLine } from "./claude/command.ts";
export { type ClaudeSession, type ClaudeSessionOptions, startClaudeSession } from "./claude/session.ts";
export { type ClientInfo, DEFAULT_CLIENT_INFO, defaultTurnSandboxPolicy } from "./protocol.ts";
export { type CodexSession, type CodexSessionOptions, startCodexSession } from "./session.ts";
