/**
 * Black-box scenarios: each drives the implementation through the fake Linear and judges what an
 * operator could observe (tracker requests, agent transcripts, the filesystem, the HTTP API).
 * One file per area of the spec under scenarios/.
 */
import { agentScenarios } from "./scenarios/agent.ts";
import { interfacesScenarios } from "./scenarios/interfaces.ts";
import { lifecycleScenarios } from "./scenarios/lifecycle.ts";
import { schedulingScenarios } from "./scenarios/scheduling.ts";
import type { Scenario } from "./scenarios/shared.ts";
import { trackerScenarios } from "./scenarios/tracker.ts";
import { workflowScenarios } from "./scenarios/workflow.ts";
import { workspacesScenarios } from "./scenarios/workspaces.ts";

export type { Scenario } from "./scenarios/shared.ts";

export const scenarios: Scenario[] = [
  ...schedulingScenarios,
  ...workspacesScenarios,
  ...workflowScenarios,
  ...lifecycleScenarios,
  ...trackerScenarios,
  ...agentScenarios,
  ...interfacesScenarios,
];
