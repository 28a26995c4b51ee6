import type {
  Logger,
  TrackerAdapter,
  TrackerConfigContext,
  TrackerProfile,
  TrackerSettings,
} from "@baton/domain";
import { BatonError } from "@baton/domain";
import { githubTrackerProfile } from "./github/profile.ts";
import { createGitHubTracker } from "./github/tracker.ts";
import { linearTrackerProfile } from "./linear/profile.ts";
import { createLinearTracker } from "./linear/tracker.ts";
import { localTrackerProfile } from "./local/profile.ts";
import { createLocalTracker } from "./local/tracker.ts";

export interface TrackerContext extends TrackerConfigContext {
  logger?: Logger;
}

/** One supported `tracker.kind`: its config profile and how to build its adapter. Add new kinds here. */
interface TrackerKind {
  profile: TrackerProfile;
  create(settings: TrackerSettings, context: TrackerContext): TrackerAdapter;
}

const trackerKinds: readonly TrackerKind[] = [
  { profile: localTrackerProfile, create: createLocalTracker },
  { profile: githubTrackerProfile, create: createGitHubTracker },
  { profile: linearTrackerProfile, create: createLinearTracker },
];

/** Profiles of every supported kind, for the config layer. */
export const trackerProfiles: TrackerProfile[] = trackerKinds.map((kind) => kind.profile);

/**
 * Builds the adapter for `settings.kind`. Provider keys go through the kind's profile again (it is
 * idempotent), so an adapter is never built from unchecked keys.
 */
export function createTracker(settings: TrackerSettings, context: TrackerContext): TrackerAdapter {
  const kind = trackerKinds.find((candidate) => candidate.profile.kind === settings.kind);
  if (kind === undefined) {
    const supported = trackerKinds.map((candidate) => candidate.profile.kind).join(", ");
    throw new BatonError(
      "unsupported_tracker_kind",
      `tracker.kind ${JSON.stringify(settings.kind)} is not supported (supported: ${supported})`,
      { kind: settings.kind },
    );
  }
  const provider = kind.profile.resolveProvider(settings.provider, context);
  return kind.create({ ...settings, provider }, context);
}
