/**
 * The policy request for a worker step. The step's `meta` says what the job
 * is; the topic as its pack declares it adds its risk tags and requirements,
 * so a workflow cannot shed a risk tag its pack gave the topic.
 */
import type { PackTopic } from '../packs/manifest.js';
import type { PolicyRequest } from '../packs/policy/types.js';
import type { Step } from '../packs/workflow/types.js';

export function policyRequestFor(
  step: Step,
  context: { packId: string; tenantId: string; topics: ReadonlyMap<string, PackTopic> },
): PolicyRequest {
  const meta = step.meta ?? {};
  const declared = step.topic ? context.topics.get(step.topic) : undefined;
  const request: PolicyRequest = {
    tenantId: context.tenantId,
    packId: meta.pack_id ?? context.packId,
  };
  if (step.topic !== undefined) request.topic = step.topic;
  const capability = meta.capability ?? declared?.capability;
  if (capability !== undefined) request.capability = capability;
  const riskTags = union(meta.risk_tags, declared?.riskTags);
  if (riskTags) request.riskTags = riskTags;
  const requires = union(meta.requires, declared?.requires);
  if (requires) request.requires = requires;
  if (meta.actor_id !== undefined) request.actorId = meta.actor_id;
  if (meta.actor_type !== undefined) request.actorType = meta.actor_type;
  if (meta.labels !== undefined) request.labels = meta.labels;
  return request;
}

function union(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (a === undefined && b === undefined) return undefined;
  return [...new Set([...(a ?? []), ...(b ?? [])])];
}
