import type { Logger, TrackerAdapter, TrackerSettings } from "@baton/domain";
import { toBatonError } from "@baton/domain";
import type { TrackerRequestSample } from "@baton/status";
import { createTracker } from "@baton/tracker";

const TIMED_OPERATIONS = new Set<PropertyKey>([
  "fetchIssuesByStates",
  "fetchIssuesByIds",
  "fetchIssue",
  "executeAgentTool",
]);

/** The same adapter, with every tracker request's duration and error category reported to `observe`. */
function timed(adapter: TrackerAdapter, observe: (sample: TrackerRequestSample) => void): TrackerAdapter {
  return new Proxy(adapter, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (!TIMED_OPERATIONS.has(property)) return value.bind(target);
      const operation = String(property);
      return async (...args: unknown[]) => {
        const started = performance.now();
        const report = (errorCategory: string | null) =>
          observe({ operation, durationSeconds: (performance.now() - started) / 1000, errorCategory });
        try {
          const result = await value.apply(target, args);
          report(null);
          return result;
        } catch (error) {
          report(toBatonError(error, "tracker_request").category);
          throw error;
        }
      };
    },
  });
}

/**
 * Holds the tracker adapter for the current tracker settings: rebuilt only when those settings
 * change on reload (the orchestrator follows the new adapter's change signal, `watch`).
 */
export class LiveTracker {
  private adapter: TrackerAdapter | null = null;
  private settingsKey = "";
  private readonly requestObservers = new Set<(sample: TrackerRequestSample) => void>();

  constructor(
    private readonly context: {
      workflowDir: string;
      env: Readonly<Record<string, string | undefined>>;
      logger: Logger;
    },
  ) {}

  /** The adapter for these settings; throws the adapter's BatonError when it cannot be built. */
  for(settings: TrackerSettings): TrackerAdapter {
    const key = JSON.stringify(settings);
    if (this.adapter && key === this.settingsKey) return this.adapter;
    const next = timed(
      createTracker(settings, {
        ...this.context,
        logger: this.context.logger.child({ tracker: settings.kind }),
      }),
      (sample) => {
        for (const observe of this.requestObservers) observe(sample);
      },
    );
    this.close();
    this.adapter = next;
    this.settingsKey = key;
    return next;
  }

  /** Reports the duration and outcome of every tracker request; returns the stop function. */
  observeRequests(observer: (sample: TrackerRequestSample) => void): () => void {
    this.requestObservers.add(observer);
    return () => this.requestObservers.delete(observer);
  }

  close(): void {
    const previous = this.adapter;
    this.adapter = null;
    // In-flight sessions keep the adapter they started with; closing only stops its watcher and timers.
    void previous?.close?.();
  }
}
