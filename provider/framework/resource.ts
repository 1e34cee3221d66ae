/**
 * What a resource or data source implements. The framework does the
 * protocol (decoding, plan rules, diagnostics); a resource only talks to its
 * API. Optional members are capabilities a resource opts into.
 */
import type { Diagnostic, Path } from './diagnostics.js';
import type { Schema } from './schema.js';
import type { ObjectValue } from './values.js';

/** A resource's attributes by name (its block's object value). */
export type State = ObjectValue;

export interface PlanInput {
  /** Proposed by Terraform, computed attributes already marked unknown. */
  planned: State;
  /** Null on create. */
  prior: State | null;
  config: State;
}

export interface PlanOutput {
  planned: State;
  diagnostics?: Diagnostic[];
  /** Extra attributes whose change replaces the object. */
  requiresReplace?: Path[];
}

export interface Resource<Client> {
  /** Full type name, e.g. `cordum_deployment`. */
  readonly name: string;
  readonly schema: Schema;
  /** Checks across attributes; values may be unknown here. */
  validate?(config: State): Diagnostic[];
  /** Fills in what can be known at plan time, or refuses the plan. */
  modifyPlan?(input: PlanInput, client: Client): Promise<PlanOutput>;
  create(planned: State, config: State, client: Client): Promise<State>;
  /** The object as it is now, or null when it is gone. */
  read(state: State, client: Client): Promise<State | null>;
  /** Absent when every attribute replaces. */
  update?(prior: State, planned: State, config: State, client: Client): Promise<State>;
  /** May answer warnings: what else went with the object. */
  delete(state: State, client: Client): Promise<void | Diagnostic[]>;
  /** State from an import id; `read` then completes it. */
  importState?(id: string, client: Client): Promise<State>;
  /** Stored state of an older schema version, as the current shape. */
  upgradeState?(version: number, stored: Record<string, unknown>): State;
}

export interface DataSource<Client> {
  readonly name: string;
  readonly schema: Schema;
  validate?(config: State): Diagnostic[];
  read(config: State, client: Client): Promise<State>;
}

export interface ProviderDefinition<Client> {
  /** Type name prefix, e.g. `cordum`. */
  readonly name: string;
  readonly schema: Schema;
  validate?(config: State): Diagnostic[];
  /** Builds what resources use, from the provider block. */
  configure(config: State, terraformVersion: string): Promise<Client>;
  readonly resources: Resource<Client>[];
  readonly dataSources: DataSource<Client>[];
  /** Terraform's StopProvider (Ctrl-C): end the client's calls in flight soon. */
  stop?(client: Client): void;
}

/**
 * Thrown by `create` or `update` when the remote change half happened:
 * `state` is what exists now, so Terraform records the truth.
 */
export class PartialApplyError extends Error {
  override readonly name = 'PartialApplyError';
  constructor(
    readonly state: State,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}
