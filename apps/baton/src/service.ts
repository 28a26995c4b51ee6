import type { BatonError, Logger } from "@baton/domain";
import { toBatonError } from "@baton/domain";
import {
  type ConfigSource,
  Orchestrator,
  type OrchestratorConfig,
  type StateStore,
} from "@baton/orchestrator";
import {
  createAttemptDeps,
  InProcessExecutor,
  type RunHost,
  runSpecFrom,
  trackerGateway,
} from "@baton/runner";
import type { TrackerRequestSample } from "@baton/status";
import { trackerProfiles } from "@baton/tracker";
import { type ServiceConfig, WorkflowStore } from "@baton/workflow";
import { type Launcher, LocalLauncher, LocalLeftoverReaper, WorkspaceManager } from "@baton/workspace";
import { LiveTracker } from "./live-tracker.ts";
import { SessionLogs } from "./session-log.ts";

/**
 * `BATON_EXECUTOR=serialized` passes every run message through JSON, as a remote executor would
 * (the end-to-end suite runs under it in CI).
 */
export const EXECUTOR_ENV = "BATON_EXECUTOR";

export interface ServiceOptions {
  workflowPath: string;
  logsRoot: string;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** Runs agents (and hooks, unless `hookLauncher` is given). */
  launcher?: Launcher;
  hookLauncher?: Launcher;
  /** Durable orchestrator state; in memory only when absent. */
  stateStore?: StateStore;
  /** The state directory this Baton holds the lock of; marks every process it starts. */
  stateDir?: string;
}

/**
 * Baton wired together: the live workflow, the tracker it names, the in-process executor running
 * workspace + Codex attempts, and the orchestrator owning all scheduling state.
 */
export class BatonService {
  private stopped = false;

  private constructor(
    readonly store: WorkflowStore,
    readonly orchestrator: Orchestrator,
    readonly sessionLogs: SessionLogs,
    private readonly tracker: LiveTracker,
    private readonly stateStore: StateStore | null,
    private readonly stateDir: string | null,
    private readonly logger: Logger,
  ) {}

  /**
   * Loads and validates WORKFLOW.md (rejects on startup failure, SPEC 6.3) and wires everything;
   * nothing is scheduled until `start()`, so observers can subscribe before the first dispatch.
   */
  static async create(options: ServiceOptions): Promise<BatonService> {
    const { logger, env } = options;
    // Hooks and agents run through separate launchers (a sandbox may contain one and not the other).
    const agentLauncher = options.launcher ?? new LocalLauncher();
    const hookLauncher = options.hookLauncher ?? options.launcher ?? new LocalLauncher();
    const store = await WorkflowStore.open(options.workflowPath, { env, trackerProfiles, logger });
    let orchestrator: Orchestrator | null = null;
    const tracker = new LiveTracker({ workflowDir: store.current().config.workflowDir, env, logger }, () =>
      orchestrator?.requestRefresh(),
    );
    const config = () => store.current().config;
    // Build the tracker now so a tracker that cannot start fails startup, not the first tick.
    tracker.for(config().tracker);

    const source: ConfigSource = {
      current: () => orchestratorView(config()),
      tracker: () => tracker.for(config().tracker),
      async preflight(): Promise<BatonError | null> {
        await store.reloadIfChanged();
        const failure = store.lastError();
        if (failure) return failure.error;
        try {
          tracker.for(config().tracker);
          return null;
        } catch (error) {
          return toBatonError(error, "invalid_tracker_config");
        }
      },
    };

    const workspaces = (current: ServiceConfig) =>
      new WorkspaceManager({
        root: current.workspace.root,
        hooks: current.hooks,
        hookTimeoutMs: current.hooks.timeout_ms,
        launcher: hookLauncher,
        logger,
        env,
      });

    // The run's spec and tracker are taken in the same synchronous step as the dispatch decision,
    // from the same workflow snapshot: reloads apply to the next attempt, never to this one.
    const host: RunHost = {
      prepare() {
        const snapshot = store.current();
        const adapter = tracker.for(snapshot.config.tracker);
        const rawProvider = (
          snapshot.definition.config.tracker as { provider?: Record<string, unknown> } | undefined
        )?.provider;
        const profile = trackerProfiles.find((candidate) => candidate.kind === snapshot.config.tracker.kind);
        const secretEnvNames = [
          ...adapter.secretEnvironmentNames(),
          ...(profile?.secretEnvironmentNames(rawProvider ?? {}) ?? []),
        ];
        const spec = runSpecFrom(snapshot, { tools: adapter.agentTools?.() ?? [], secretEnvNames });
        return { spec, gateway: trackerGateway(adapter) };
      },
    };
    const executor = new InProcessExecutor(
      host,
      (message, gateway) =>
        createAttemptDeps(message, {
          launcher: agentLauncher,
          hookLauncher,
          env,
          gateway,
          logger,
          stateDir: options.stateDir ?? null,
        }),
      { serialize: env[EXECUTOR_ENV] === "serialized" },
    );
    if (env[EXECUTOR_ENV] === "serialized")
      logger.info({}, "executor=serialized (every run message crosses JSON)");

    const sessionLogs = new SessionLogs(options.logsRoot, logger);
    orchestrator = new Orchestrator({
      config: source,
      executor,
      workspaces: { remove: (identifier) => workspaces(config()).remove(identifier) },
      logger,
      ...(options.stateStore ? { store: options.stateStore, reaper: new LocalLeftoverReaper() } : {}),
    });
    orchestrator.subscribe((event) => {
      if (event.type === "agent_event") sessionLogs.append(event.issue_identifier, event.event);
      else if (event.type === "worker_exited") sessionLogs.release(event.issue_identifier);
    });
    store.subscribe((event) => {
      if (event.type === "reloaded") {
        logger.info(
          { workflow: store.path, warnings: event.config.warnings },
          "action=workflow_reload outcome=applied",
        );
      } else {
        logger.error(
          { workflow: store.path, category: event.error.category, reason: event.error.message },
          "action=workflow_reload outcome=rejected keeping=last_known_good",
        );
      }
    });

    return new BatonService(
      store,
      orchestrator,
      sessionLogs,
      tracker,
      options.stateStore ?? null,
      options.stateDir ?? null,
      logger,
    );
  }

  /**
   * Kills whatever a dead Baton on the same state directory left running (its processes carry the
   * directory in BATON_STATE_DIR; we hold the lock, so none of them is a live instance's), then the
   * saved state, startup terminal cleanup, the first tick and the polling loop (SPEC 8.1, 8.6).
   */
  async start(): Promise<void> {
    if (this.stateDir !== null) {
      const killed = await new LocalLeftoverReaper().killInstanceLeftovers(this.stateDir);
      if (killed.length > 0) {
        this.logger.warn(
          { state_dir: this.stateDir, pids: killed.join(",") },
          `action=leftover_cleanup outcome=killed pids=${killed.join(",")}`,
        );
      }
    }
    await this.orchestrator.start();
  }

  /** False once `stop()` has stopped the orchestrator. */
  get running(): boolean {
    return !this.stopped;
  }

  /** Duration and outcome of every tracker request (for the status metrics); returns the stop function. */
  observeTrackerRequests(observer: (sample: TrackerRequestSample) => void): () => void {
    return this.tracker.observeRequests(observer);
  }

  /** Graceful stop: interrupts turns, lets after_run hooks finish, closes watchers and files. */
  async stop(): Promise<void> {
    await this.orchestrator.stop();
    this.stopped = true;
    this.store.close();
    this.tracker.close();
    this.stateStore?.close();
    await this.sessionLogs.close();
  }
}

const orchestratorViews = new WeakMap<ServiceConfig, OrchestratorConfig>();

/**
 * The orchestrator reads the agent's timeouts from `codex:` (stall detection, and the grace a turn
 * gets to finish after the agent's own hand-off); with `agent.kind: claude` the selected agent's
 * `claude.stall_timeout_ms` and `claude.turn_timeout_ms` are the ones that apply. One view per config.
 */
function orchestratorView(config: ServiceConfig): OrchestratorConfig {
  if (config.agent.kind === "codex") return config;
  let view = orchestratorViews.get(config);
  if (view === undefined) {
    const { stall_timeout_ms, turn_timeout_ms } = config.claude;
    view = { ...config, codex: { ...config.codex, stall_timeout_ms, turn_timeout_ms } };
    orchestratorViews.set(config, view);
  }
  return view;
}
