import type { Logger } from "@baton/domain";
import { type BatonError, SecretRedactor, STATE_DIR_ENV, toBatonError } from "@baton/domain";
import {
  type ConfigSource,
  Orchestrator,
  type OrchestratorConfig,
  type RunExecutor,
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
import { configSecrets, envReferenceName, type ServiceConfig, WorkflowStore } from "@baton/workflow";
import { LocalLeftoverReaper, WorkspaceManager } from "@baton/workspace";
import { LiveTracker } from "./live-tracker.ts";
import { LogHealth } from "./log-health.ts";
import { removeExpiredServiceLogs } from "./logging.ts";
import { createLaunchers, type Launchers } from "./sandbox.ts";
import { SessionLogs } from "./session-log.ts";

/**
 * `BATON_EXECUTOR=serialized` passes every run message through JSON, as a remote executor would
 * (`pnpm test` runs the CLI's end-to-end suites under it).
 */
export const EXECUTOR_ENV = "BATON_EXECUTOR";

export interface ServiceOptions {
  workflowPath: string;
  logsRoot: string;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** Everything Baton writes passes through it; the service adds the config's secrets. */
  redactor?: SecretRedactor;
  /** Where log-file trouble is reported (the run command shares it with the file log). */
  logHealth?: LogHealth;
  /**
   * Opens the durable orchestrator state once WORKFLOW.md is read (the executor decides where it
   * lives: SQLite for `local`, Redis for `queue`); in memory only when absent. Called before
   * anything else starts, so a second orchestrator stops before it touches anything.
   */
  openStateStore?: (startup: ServiceConfig) => Promise<StateStore>;
  /** The state directory this Baton holds the lock of; marks every process it starts. */
  stateDir?: string;
}

const RETENTION_SWEEP_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Baton wired together: the live workflow, the tracker it names, the in-process executor running
 * workspace + Codex attempts, and the orchestrator owning all scheduling state.
 */
/**
 * Kills whatever a dead Baton on the same state directory left running: its processes carry the
 * directory in BATON_STATE_DIR, and we hold the lock, so none of them is a live instance's. Called
 * right after the lock is taken, before the workflow loads or the server starts, so a dead
 * instance's agents stop as early as possible.
 */
export async function killDeadInstanceLeftovers(stateDir: string, logger: Logger): Promise<void> {
  const killed = await new LocalLeftoverReaper().killInstanceLeftovers(stateDir);
  if (killed.length > 0) {
    logger.warn(
      { state_dir: stateDir, pids: killed.join(",") },
      `action=leftover_cleanup outcome=killed pids=${killed.join(",")}`,
    );
  }
}

export class BatonService {
  private stopped = false;
  private sweepTimer: NodeJS.Timeout | null = null;

  private constructor(
    readonly store: WorkflowStore,
    readonly orchestrator: Orchestrator,
    readonly sessionLogs: SessionLogs,
    readonly logHealth: LogHealth,
    readonly redactor: SecretRedactor,
    private readonly tracker: LiveTracker,
    private readonly logsRoot: string,
    private readonly logger: Logger,
    private readonly launchers: Launchers,
    private readonly stateStore: StateStore | null,
    private readonly closeExecutor: () => Promise<void>,
    private readonly executorReady: () => Promise<void>,
  ) {}

  /**
   * Loads and validates WORKFLOW.md (rejects on startup failure, SPEC 6.3) and wires everything;
   * nothing is scheduled until `start()`, so observers can subscribe before the first dispatch.
   */
  static async create(options: ServiceOptions): Promise<BatonService> {
    const { logger, env } = options;
    const store = await WorkflowStore.open(options.workflowPath, { env, trackerProfiles, logger });
    const startup = store.current().config;
    const stateStore = options.openStateStore
      ? await options.openStateStore(startup).catch((error: unknown) => {
          store.close();
          throw error;
        })
      : null;
    const launchers: Launchers = await createLaunchers({
      // On the queue, agents and hooks run on the workers, which apply the sandbox themselves.
      sandbox: startup.executor.kind === "queue" ? { kind: "none" } : startup.sandbox,
      hooksSandboxed: startup.hooks.sandbox,
      workflowPath: startup.workflowPath,
      env,
      logger,
    }).catch((error: unknown) => {
      store.close();
      throw error;
    });
    const tracker = new LiveTracker({ workflowDir: store.current().config.workflowDir, env, logger });
    const config = () => store.current().config;
    const redactor = options.redactor ?? new SecretRedactor();
    const learnSecrets = () => {
      redactor.add(...configSecrets(config(), trackerProfiles));
      redactor.addFromEnv(env, tracker.for(config().tracker).secretEnvironmentNames());
    };
    // Build the tracker now so a tracker that cannot start fails startup, not the first tick.
    tracker.for(config().tracker);
    learnSecrets();

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
        launcher: launchers.hook,
        logger,
        env,
        hookEnv: current.hooks.env,
        ...(options.stateDir && { marks: { [STATE_DIR_ENV]: options.stateDir } }),
      });

    // The run's spec and tracker are taken in the same synchronous step as the dispatch decision,
    // from the same workflow snapshot: reloads apply to the next attempt, never to this one.
    const host: RunHost = {
      prepare() {
        const snapshot = store.current();
        const { config: current, definition } = snapshot;
        const adapter = tracker.for(current.tracker);
        const rawProvider = (definition.config.tracker as { provider?: Record<string, unknown> } | undefined)
          ?.provider;
        const profile = trackerProfiles.find((candidate) => candidate.kind === current.tracker.kind);
        // The status token too: an agent holding it could drive Baton's operator actions.
        const serverTokenName = envReferenceName(
          (definition.config.server as { token?: unknown } | undefined)?.token,
        );
        const secretEnvNames = [
          ...adapter.secretEnvironmentNames(),
          ...(profile?.secretEnvironmentNames(rawProvider ?? {}) ?? []),
          ...(serverTokenName ? [serverTokenName] : []),
        ];
        const spec = runSpecFrom(snapshot, { tools: adapter.agentTools?.() ?? [], secretEnvNames });
        return { spec, gateway: trackerGateway(adapter) };
      },
    };
    let executor: RunExecutor;
    let closeExecutor = async () => {};
    let executorReady = async () => {};
    let removeWorkspace = async (identifier: string): Promise<"removed" | "requested"> => {
      await workspaces(config()).remove(identifier);
      return "removed";
    };
    if (startup.executor.kind === "queue") {
      // B.queue: attempts run on `baton worker` processes; this process keeps every decision. It
      // connects in the background: the status API is up (and says so) while Redis is away.
      const queueName = startup.executor.queue_name;
      // Loaded only here: bullmq and ioredis are not free to import for a local Baton.
      const { QueueExecutor } = await import("@baton/queue");
      const queue = QueueExecutor.connect({
        redisUrl: startup.executor.redis_url,
        queueName,
        host,
        gateway: () => trackerGateway(tracker.for(config().tracker)),
        logger,
      });
      executor = queue;
      closeExecutor = () => queue.close();
      // The workspaces are on the workers' hosts: each worker removes its own copy.
      removeWorkspace = async (identifier) => {
        const { workspace, hooks, sandbox } = config();
        await queue.requestWorkspaceRemoval({
          identifier,
          workspace: { root: workspace.root },
          hooks,
          sandbox,
        });
        return "requested";
      };
      executorReady = async () => {
        await queue.ready();
        logger.info(
          { queue: queueName, unfinished_jobs: queue.activeRuns().length },
          "action=executor outcome=ready kind=queue",
        );
      };
    } else {
      const serialized = env[EXECUTOR_ENV] === "serialized";
      if (serialized) logger.info({}, "executor=serialized (every run message crosses JSON)");
      executor = new InProcessExecutor(
        host,
        (message, gateway) =>
          createAttemptDeps(message, {
            launcher: launchers.agent,
            hookLauncher: launchers.hook,
            env,
            gateway,
            logger,
            stateDir: options.stateDir ?? null,
          }),
        { serialize: serialized },
      );
    }

    const logHealth = options.logHealth ?? new LogHealth(options.logsRoot, process.stderr);
    const sessionLogs = new SessionLogs({
      logsRoot: options.logsRoot,
      logger,
      limits: () => {
        const { max_file_bytes, max_files, retention_days } = config().logs;
        return { maxFileBytes: max_file_bytes, maxFiles: max_files, retentionDays: retention_days };
      },
      redact: (text) => redactor.redact(text),
      health: logHealth,
    });
    const orchestrator = new Orchestrator({
      config: source,
      executor,
      workspaces: {
        async remove(identifier) {
          const removal = await removeWorkspace(identifier);
          sessionLogs.remove(identifier);
          return removal;
        },
      },
      logger,
      ...(stateStore ? { store: stateStore, reaper: new LocalLeftoverReaper() } : {}),
    });
    orchestrator.subscribe((event) => {
      if (event.type === "agent_event")
        sessionLogs.append(event.issue_identifier, event.event, event.workflow_phase);
      else if (event.type === "worker_exited") sessionLogs.release(event.issue_identifier);
    });
    store.subscribe((event) => {
      if (event.type === "reloaded") {
        learnSecrets();
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
      logHealth,
      redactor,
      tracker,
      options.logsRoot,
      logger,
      launchers,
      stateStore,
      closeExecutor,
      executorReady,
    );
  }

  /**
   * The saved state (the dead instance's leftovers were killed by `killDeadInstanceLeftovers` as
   * soon as the lock was taken), startup terminal cleanup, the first tick and the polling loop (SPEC 8.1, 8.6);
   * expired logs are removed now and every hour.
   */
  async start(): Promise<void> {
    this.sweepLogs();
    this.sweepTimer = setInterval(() => this.sweepLogs(), RETENTION_SWEEP_MS);
    this.sweepTimer.unref();
    // The queue executor must know the unfinished jobs before the orchestrator re-attaches runs.
    await this.executorReady();
    await this.orchestrator.start();
  }

  /** Log retention. Touches only Baton's own log files (never the state store or anything else). */
  sweepLogs(): void {
    try {
      this.sessionLogs.sweep();
      const { retention_days } = this.store.current().config.logs;
      removeExpiredServiceLogs(this.logsRoot, Date.now() - retention_days * DAY_MS);
    } catch (error) {
      this.logger.warn({ reason: (error as Error).message }, "action=log_retention outcome=failed");
    }
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
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    await this.orchestrator.stop();
    await this.closeExecutor();
    await this.launchers.close();
    this.stopped = true;
    this.store.close();
    this.tracker.close();
    // A Redis store's close waits for its last writes and frees its lease.
    await this.stateStore?.close();
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
