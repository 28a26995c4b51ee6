import type { Logger, TrackerAdapter, TrackerSettings } from "@baton/domain";
import { createTracker } from "@baton/tracker";

/**
 * Holds the tracker adapter for the current tracker settings: rebuilt only when those settings
 * change on reload, with the change signal (`watch`) moved over to the new adapter.
 */
export class LiveTracker {
  private adapter: TrackerAdapter | null = null;
  private settingsKey = "";
  private stopWatching: (() => void) | null = null;

  constructor(
    private readonly context: {
      workflowDir: string;
      env: Readonly<Record<string, string | undefined>>;
      logger: Logger;
    },
    private readonly onChange: () => void,
  ) {}

  /** The adapter for these settings; throws the adapter's BatonError when it cannot be built. */
  for(settings: TrackerSettings): TrackerAdapter {
    const key = JSON.stringify(settings);
    if (this.adapter && key === this.settingsKey) return this.adapter;
    const next = createTracker(settings, {
      ...this.context,
      logger: this.context.logger.child({ tracker: settings.kind }),
    });
    this.close();
    this.adapter = next;
    this.settingsKey = key;
    this.stopWatching = next.watch?.(this.onChange) ?? null;
    return next;
  }

  close(): void {
    this.stopWatching?.();
    this.stopWatching = null;
    const previous = this.adapter;
    this.adapter = null;
    // In-flight sessions keep the adapter they started with; closing only stops its watcher and timers.
    void previous?.close?.();
  }
}
