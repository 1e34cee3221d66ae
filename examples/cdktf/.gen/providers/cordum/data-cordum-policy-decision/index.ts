// https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataCordumPolicyDecisionConfig extends cdktf.TerraformMetaArguments {
  /**
  * Who asks.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision#actor_id DataCordumPolicyDecision#actor_id}
  */
  readonly actorId?: string;
  /**
  * What kind of actor asks.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision#actor_type DataCordumPolicyDecision#actor_type}
  */
  readonly actorType?: string;
  /**
  * Capability the job needs.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision#capability DataCordumPolicyDecision#capability}
  */
  readonly capability?: string;
  /**
  * Deployment name.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision#deployment DataCordumPolicyDecision#deployment}
  */
  readonly deployment: string;
  /**
  * Job labels.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision#labels DataCordumPolicyDecision#labels}
  */
  readonly labels?: { [key: string]: string };
  /**
  * Pack the job belongs to.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision#pack_id DataCordumPolicyDecision#pack_id}
  */
  readonly packId?: string;
  /**
  * What the job requires.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision#requires DataCordumPolicyDecision#requires}
  */
  readonly requires?: string[];
  /**
  * Risk tags of the job.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision#risk_tags DataCordumPolicyDecision#risk_tags}
  */
  readonly riskTags?: string[];
  /**
  * Whether secrets are attached.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision#secrets_present DataCordumPolicyDecision#secrets_present}
  */
  readonly secretsPresent?: boolean | cdktf.IResolvable;
  /**
  * Tenant. Default: the snapshot's default tenant, as the engine decides.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision#tenant DataCordumPolicyDecision#tenant}
  */
  readonly tenant?: string;
  /**
  * Job topic, e.g. `job.hello-pack.echo`.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision#topic DataCordumPolicyDecision#topic}
  */
  readonly topic?: string;
}

/**
* Represents a {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision cordum_policy_decision}
*/
export class DataCordumPolicyDecision extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "cordum_policy_decision";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataCordumPolicyDecision resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataCordumPolicyDecision to import
  * @param importFromId The id of the existing DataCordumPolicyDecision that should be imported. Refer to the {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataCordumPolicyDecision to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "cordum_policy_decision", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/policy_decision cordum_policy_decision} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataCordumPolicyDecisionConfig
  */
  public constructor(scope: Construct, id: string, config: DataCordumPolicyDecisionConfig) {
    super(scope, id, {
      terraformResourceType: 'cordum_policy_decision',
      terraformGeneratorMetadata: {
        providerName: 'cordum',
        providerVersionConstraint: '0.1.0'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._actorId = config.actorId;
    this._actorType = config.actorType;
    this._capability = config.capability;
    this._deployment = config.deployment;
    this._labels = config.labels;
    this._packId = config.packId;
    this._requires = config.requires;
    this._riskTags = config.riskTags;
    this._secretsPresent = config.secretsPresent;
    this._tenant = config.tenant;
    this._topic = config.topic;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // actor_id - computed: false, optional: true, required: false
  private _actorId?: string; 
  public get actorId() {
    return this.getStringAttribute('actor_id');
  }
  public set actorId(value: string) {
    this._actorId = value;
  }
  public resetActorId() {
    this._actorId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get actorIdInput() {
    return this._actorId;
  }

  // actor_type - computed: false, optional: true, required: false
  private _actorType?: string; 
  public get actorType() {
    return this.getStringAttribute('actor_type');
  }
  public set actorType(value: string) {
    this._actorType = value;
  }
  public resetActorType() {
    this._actorType = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get actorTypeInput() {
    return this._actorType;
  }

  // capability - computed: false, optional: true, required: false
  private _capability?: string; 
  public get capability() {
    return this.getStringAttribute('capability');
  }
  public set capability(value: string) {
    this._capability = value;
  }
  public resetCapability() {
    this._capability = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get capabilityInput() {
    return this._capability;
  }

  // constraints_json - computed: true, optional: false, required: false
  public get constraintsJson() {
    return this.getStringAttribute('constraints_json');
  }

  // decision - computed: true, optional: false, required: false
  public get decision() {
    return this.getStringAttribute('decision');
  }

  // deployment - computed: false, optional: false, required: true
  private _deployment?: string; 
  public get deployment() {
    return this.getStringAttribute('deployment');
  }
  public set deployment(value: string) {
    this._deployment = value;
  }
  // Temporarily expose input value. Use with caution.
  public get deploymentInput() {
    return this._deployment;
  }

  // labels - computed: false, optional: true, required: false
  private _labels?: { [key: string]: string }; 
  public get labels() {
    return this.getStringMapAttribute('labels');
  }
  public set labels(value: { [key: string]: string }) {
    this._labels = value;
  }
  public resetLabels() {
    this._labels = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get labelsInput() {
    return this._labels;
  }

  // pack_id - computed: false, optional: true, required: false
  private _packId?: string; 
  public get packId() {
    return this.getStringAttribute('pack_id');
  }
  public set packId(value: string) {
    this._packId = value;
  }
  public resetPackId() {
    this._packId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get packIdInput() {
    return this._packId;
  }

  // reason - computed: true, optional: false, required: false
  public get reason() {
    return this.getStringAttribute('reason');
  }

  // requires - computed: false, optional: true, required: false
  private _requires?: string[]; 
  public get requires() {
    return this.getListAttribute('requires');
  }
  public set requires(value: string[]) {
    this._requires = value;
  }
  public resetRequires() {
    this._requires = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get requiresInput() {
    return this._requires;
  }

  // risk_tags - computed: false, optional: true, required: false
  private _riskTags?: string[]; 
  public get riskTags() {
    return this.getListAttribute('risk_tags');
  }
  public set riskTags(value: string[]) {
    this._riskTags = value;
  }
  public resetRiskTags() {
    this._riskTags = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get riskTagsInput() {
    return this._riskTags;
  }

  // rule_id - computed: true, optional: false, required: false
  public get ruleId() {
    return this.getStringAttribute('rule_id');
  }

  // secrets_present - computed: false, optional: true, required: false
  private _secretsPresent?: boolean | cdktf.IResolvable; 
  public get secretsPresent() {
    return this.getBooleanAttribute('secrets_present');
  }
  public set secretsPresent(value: boolean | cdktf.IResolvable) {
    this._secretsPresent = value;
  }
  public resetSecretsPresent() {
    this._secretsPresent = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get secretsPresentInput() {
    return this._secretsPresent;
  }

  // snapshot_hash - computed: true, optional: false, required: false
  public get snapshotHash() {
    return this.getStringAttribute('snapshot_hash');
  }

  // tenant - computed: false, optional: true, required: false
  private _tenant?: string; 
  public get tenant() {
    return this.getStringAttribute('tenant');
  }
  public set tenant(value: string) {
    this._tenant = value;
  }
  public resetTenant() {
    this._tenant = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get tenantInput() {
    return this._tenant;
  }

  // topic - computed: false, optional: true, required: false
  private _topic?: string; 
  public get topic() {
    return this.getStringAttribute('topic');
  }
  public set topic(value: string) {
    this._topic = value;
  }
  public resetTopic() {
    this._topic = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get topicInput() {
    return this._topic;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      actor_id: cdktf.stringToTerraform(this._actorId),
      actor_type: cdktf.stringToTerraform(this._actorType),
      capability: cdktf.stringToTerraform(this._capability),
      deployment: cdktf.stringToTerraform(this._deployment),
      labels: cdktf.hashMapper(cdktf.stringToTerraform)(this._labels),
      pack_id: cdktf.stringToTerraform(this._packId),
      requires: cdktf.listMapper(cdktf.stringToTerraform, false)(this._requires),
      risk_tags: cdktf.listMapper(cdktf.stringToTerraform, false)(this._riskTags),
      secrets_present: cdktf.booleanToTerraform(this._secretsPresent),
      tenant: cdktf.stringToTerraform(this._tenant),
      topic: cdktf.stringToTerraform(this._topic),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      actor_id: {
        value: cdktf.stringToHclTerraform(this._actorId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      actor_type: {
        value: cdktf.stringToHclTerraform(this._actorType),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      capability: {
        value: cdktf.stringToHclTerraform(this._capability),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      deployment: {
        value: cdktf.stringToHclTerraform(this._deployment),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      labels: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._labels),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      pack_id: {
        value: cdktf.stringToHclTerraform(this._packId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      requires: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._requires),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      risk_tags: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._riskTags),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      secrets_present: {
        value: cdktf.booleanToHclTerraform(this._secretsPresent),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      tenant: {
        value: cdktf.stringToHclTerraform(this._tenant),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      topic: {
        value: cdktf.stringToHclTerraform(this._topic),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
