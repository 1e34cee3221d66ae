// https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface PolicyBundleConfig extends cdktf.TerraformMetaArguments {
  /**
  * Tenant of requests naming none.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#default_tenant PolicyBundle#default_tenant}
  */
  readonly defaultTenant?: string;
  /**
  * Name of the deployment.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#deployment PolicyBundle#deployment}
  */
  readonly deployment: string;
  /**
  * A policy fragment YAML file to use instead of `rule` blocks.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#fragment_file PolicyBundle#fragment_file}
  */
  readonly fragmentFile?: string;
  /**
  * Bundle name.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#name PolicyBundle#name}
  */
  readonly name: string;
  /**
  * rule block
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#rule PolicyBundle#rule}
  */
  readonly rule?: PolicyBundleRule[] | cdktf.IResolvable;
}
export interface PolicyBundleRuleConstraintsBudgets {
  /**
  * Largest artifact.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#max_artifact_bytes PolicyBundle#max_artifact_bytes}
  */
  readonly maxArtifactBytes?: number;
  /**
  * Most jobs at once.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#max_concurrent_jobs PolicyBundle#max_concurrent_jobs}
  */
  readonly maxConcurrentJobs?: number;
  /**
  * Most retries.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#max_retries PolicyBundle#max_retries}
  */
  readonly maxRetries?: number;
  /**
  * Longest run, in milliseconds.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#max_runtime_ms PolicyBundle#max_runtime_ms}
  */
  readonly maxRuntimeMs?: number;
}

export function policyBundleRuleConstraintsBudgetsToTerraform(struct?: PolicyBundleRuleConstraintsBudgets | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    max_artifact_bytes: cdktf.numberToTerraform(struct!.maxArtifactBytes),
    max_concurrent_jobs: cdktf.numberToTerraform(struct!.maxConcurrentJobs),
    max_retries: cdktf.numberToTerraform(struct!.maxRetries),
    max_runtime_ms: cdktf.numberToTerraform(struct!.maxRuntimeMs),
  }
}


export function policyBundleRuleConstraintsBudgetsToHclTerraform(struct?: PolicyBundleRuleConstraintsBudgets | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    max_artifact_bytes: {
      value: cdktf.numberToHclTerraform(struct!.maxArtifactBytes),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    max_concurrent_jobs: {
      value: cdktf.numberToHclTerraform(struct!.maxConcurrentJobs),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    max_retries: {
      value: cdktf.numberToHclTerraform(struct!.maxRetries),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    max_runtime_ms: {
      value: cdktf.numberToHclTerraform(struct!.maxRuntimeMs),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class PolicyBundleRuleConstraintsBudgetsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): PolicyBundleRuleConstraintsBudgets | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._maxArtifactBytes !== undefined) {
      hasAnyValues = true;
      internalValueResult.maxArtifactBytes = this._maxArtifactBytes;
    }
    if (this._maxConcurrentJobs !== undefined) {
      hasAnyValues = true;
      internalValueResult.maxConcurrentJobs = this._maxConcurrentJobs;
    }
    if (this._maxRetries !== undefined) {
      hasAnyValues = true;
      internalValueResult.maxRetries = this._maxRetries;
    }
    if (this._maxRuntimeMs !== undefined) {
      hasAnyValues = true;
      internalValueResult.maxRuntimeMs = this._maxRuntimeMs;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: PolicyBundleRuleConstraintsBudgets | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._maxArtifactBytes = undefined;
      this._maxConcurrentJobs = undefined;
      this._maxRetries = undefined;
      this._maxRuntimeMs = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._maxArtifactBytes = value.maxArtifactBytes;
      this._maxConcurrentJobs = value.maxConcurrentJobs;
      this._maxRetries = value.maxRetries;
      this._maxRuntimeMs = value.maxRuntimeMs;
    }
  }

  // max_artifact_bytes - computed: false, optional: true, required: false
  private _maxArtifactBytes?: number; 
  public get maxArtifactBytes() {
    return this.getNumberAttribute('max_artifact_bytes');
  }
  public set maxArtifactBytes(value: number) {
    this._maxArtifactBytes = value;
  }
  public resetMaxArtifactBytes() {
    this._maxArtifactBytes = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get maxArtifactBytesInput() {
    return this._maxArtifactBytes;
  }

  // max_concurrent_jobs - computed: false, optional: true, required: false
  private _maxConcurrentJobs?: number; 
  public get maxConcurrentJobs() {
    return this.getNumberAttribute('max_concurrent_jobs');
  }
  public set maxConcurrentJobs(value: number) {
    this._maxConcurrentJobs = value;
  }
  public resetMaxConcurrentJobs() {
    this._maxConcurrentJobs = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get maxConcurrentJobsInput() {
    return this._maxConcurrentJobs;
  }

  // max_retries - computed: false, optional: true, required: false
  private _maxRetries?: number; 
  public get maxRetries() {
    return this.getNumberAttribute('max_retries');
  }
  public set maxRetries(value: number) {
    this._maxRetries = value;
  }
  public resetMaxRetries() {
    this._maxRetries = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get maxRetriesInput() {
    return this._maxRetries;
  }

  // max_runtime_ms - computed: false, optional: true, required: false
  private _maxRuntimeMs?: number; 
  public get maxRuntimeMs() {
    return this.getNumberAttribute('max_runtime_ms');
  }
  public set maxRuntimeMs(value: number) {
    this._maxRuntimeMs = value;
  }
  public resetMaxRuntimeMs() {
    this._maxRuntimeMs = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get maxRuntimeMsInput() {
    return this._maxRuntimeMs;
  }
}
export interface PolicyBundleRuleConstraintsDiff {
  /**
  * Paths it must not touch.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#deny_path_globs PolicyBundle#deny_path_globs}
  */
  readonly denyPathGlobs?: string[];
  /**
  * Most files changed.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#max_files PolicyBundle#max_files}
  */
  readonly maxFiles?: number;
  /**
  * Most lines changed.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#max_lines PolicyBundle#max_lines}
  */
  readonly maxLines?: number;
}

export function policyBundleRuleConstraintsDiffToTerraform(struct?: PolicyBundleRuleConstraintsDiff | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    deny_path_globs: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.denyPathGlobs),
    max_files: cdktf.numberToTerraform(struct!.maxFiles),
    max_lines: cdktf.numberToTerraform(struct!.maxLines),
  }
}


export function policyBundleRuleConstraintsDiffToHclTerraform(struct?: PolicyBundleRuleConstraintsDiff | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    deny_path_globs: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.denyPathGlobs),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    max_files: {
      value: cdktf.numberToHclTerraform(struct!.maxFiles),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    max_lines: {
      value: cdktf.numberToHclTerraform(struct!.maxLines),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class PolicyBundleRuleConstraintsDiffOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): PolicyBundleRuleConstraintsDiff | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._denyPathGlobs !== undefined) {
      hasAnyValues = true;
      internalValueResult.denyPathGlobs = this._denyPathGlobs;
    }
    if (this._maxFiles !== undefined) {
      hasAnyValues = true;
      internalValueResult.maxFiles = this._maxFiles;
    }
    if (this._maxLines !== undefined) {
      hasAnyValues = true;
      internalValueResult.maxLines = this._maxLines;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: PolicyBundleRuleConstraintsDiff | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._denyPathGlobs = undefined;
      this._maxFiles = undefined;
      this._maxLines = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._denyPathGlobs = value.denyPathGlobs;
      this._maxFiles = value.maxFiles;
      this._maxLines = value.maxLines;
    }
  }

  // deny_path_globs - computed: false, optional: true, required: false
  private _denyPathGlobs?: string[]; 
  public get denyPathGlobs() {
    return this.getListAttribute('deny_path_globs');
  }
  public set denyPathGlobs(value: string[]) {
    this._denyPathGlobs = value;
  }
  public resetDenyPathGlobs() {
    this._denyPathGlobs = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get denyPathGlobsInput() {
    return this._denyPathGlobs;
  }

  // max_files - computed: false, optional: true, required: false
  private _maxFiles?: number; 
  public get maxFiles() {
    return this.getNumberAttribute('max_files');
  }
  public set maxFiles(value: number) {
    this._maxFiles = value;
  }
  public resetMaxFiles() {
    this._maxFiles = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get maxFilesInput() {
    return this._maxFiles;
  }

  // max_lines - computed: false, optional: true, required: false
  private _maxLines?: number; 
  public get maxLines() {
    return this.getNumberAttribute('max_lines');
  }
  public set maxLines(value: number) {
    this._maxLines = value;
  }
  public resetMaxLines() {
    this._maxLines = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get maxLinesInput() {
    return this._maxLines;
  }
}
export interface PolicyBundleRuleConstraintsSandbox {
  /**
  * Read-only paths.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#fs_read_only PolicyBundle#fs_read_only}
  */
  readonly fsReadOnly?: string[];
  /**
  * Writable paths.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#fs_read_write PolicyBundle#fs_read_write}
  */
  readonly fsReadWrite?: string[];
  /**
  * Run isolated.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#isolated PolicyBundle#isolated}
  */
  readonly isolated?: boolean | cdktf.IResolvable;
  /**
  * Hosts it may reach.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#network_allowlist PolicyBundle#network_allowlist}
  */
  readonly networkAllowlist?: string[];
}

export function policyBundleRuleConstraintsSandboxToTerraform(struct?: PolicyBundleRuleConstraintsSandbox | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    fs_read_only: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.fsReadOnly),
    fs_read_write: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.fsReadWrite),
    isolated: cdktf.booleanToTerraform(struct!.isolated),
    network_allowlist: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.networkAllowlist),
  }
}


export function policyBundleRuleConstraintsSandboxToHclTerraform(struct?: PolicyBundleRuleConstraintsSandbox | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    fs_read_only: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.fsReadOnly),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    fs_read_write: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.fsReadWrite),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    isolated: {
      value: cdktf.booleanToHclTerraform(struct!.isolated),
      isBlock: false,
      type: "simple",
      storageClassType: "boolean",
    },
    network_allowlist: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.networkAllowlist),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class PolicyBundleRuleConstraintsSandboxOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): PolicyBundleRuleConstraintsSandbox | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._fsReadOnly !== undefined) {
      hasAnyValues = true;
      internalValueResult.fsReadOnly = this._fsReadOnly;
    }
    if (this._fsReadWrite !== undefined) {
      hasAnyValues = true;
      internalValueResult.fsReadWrite = this._fsReadWrite;
    }
    if (this._isolated !== undefined) {
      hasAnyValues = true;
      internalValueResult.isolated = this._isolated;
    }
    if (this._networkAllowlist !== undefined) {
      hasAnyValues = true;
      internalValueResult.networkAllowlist = this._networkAllowlist;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: PolicyBundleRuleConstraintsSandbox | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._fsReadOnly = undefined;
      this._fsReadWrite = undefined;
      this._isolated = undefined;
      this._networkAllowlist = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._fsReadOnly = value.fsReadOnly;
      this._fsReadWrite = value.fsReadWrite;
      this._isolated = value.isolated;
      this._networkAllowlist = value.networkAllowlist;
    }
  }

  // fs_read_only - computed: false, optional: true, required: false
  private _fsReadOnly?: string[]; 
  public get fsReadOnly() {
    return this.getListAttribute('fs_read_only');
  }
  public set fsReadOnly(value: string[]) {
    this._fsReadOnly = value;
  }
  public resetFsReadOnly() {
    this._fsReadOnly = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get fsReadOnlyInput() {
    return this._fsReadOnly;
  }

  // fs_read_write - computed: false, optional: true, required: false
  private _fsReadWrite?: string[]; 
  public get fsReadWrite() {
    return this.getListAttribute('fs_read_write');
  }
  public set fsReadWrite(value: string[]) {
    this._fsReadWrite = value;
  }
  public resetFsReadWrite() {
    this._fsReadWrite = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get fsReadWriteInput() {
    return this._fsReadWrite;
  }

  // isolated - computed: false, optional: true, required: false
  private _isolated?: boolean | cdktf.IResolvable; 
  public get isolated() {
    return this.getBooleanAttribute('isolated');
  }
  public set isolated(value: boolean | cdktf.IResolvable) {
    this._isolated = value;
  }
  public resetIsolated() {
    this._isolated = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get isolatedInput() {
    return this._isolated;
  }

  // network_allowlist - computed: false, optional: true, required: false
  private _networkAllowlist?: string[]; 
  public get networkAllowlist() {
    return this.getListAttribute('network_allowlist');
  }
  public set networkAllowlist(value: string[]) {
    this._networkAllowlist = value;
  }
  public resetNetworkAllowlist() {
    this._networkAllowlist = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get networkAllowlistInput() {
    return this._networkAllowlist;
  }
}
export interface PolicyBundleRuleConstraintsToolchain {
  /**
  * Commands it may run.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#allowed_commands PolicyBundle#allowed_commands}
  */
  readonly allowedCommands?: string[];
  /**
  * Tools it may use.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#allowed_tools PolicyBundle#allowed_tools}
  */
  readonly allowedTools?: string[];
}

export function policyBundleRuleConstraintsToolchainToTerraform(struct?: PolicyBundleRuleConstraintsToolchain | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    allowed_commands: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.allowedCommands),
    allowed_tools: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.allowedTools),
  }
}


export function policyBundleRuleConstraintsToolchainToHclTerraform(struct?: PolicyBundleRuleConstraintsToolchain | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    allowed_commands: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.allowedCommands),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    allowed_tools: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.allowedTools),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class PolicyBundleRuleConstraintsToolchainOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): PolicyBundleRuleConstraintsToolchain | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._allowedCommands !== undefined) {
      hasAnyValues = true;
      internalValueResult.allowedCommands = this._allowedCommands;
    }
    if (this._allowedTools !== undefined) {
      hasAnyValues = true;
      internalValueResult.allowedTools = this._allowedTools;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: PolicyBundleRuleConstraintsToolchain | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._allowedCommands = undefined;
      this._allowedTools = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._allowedCommands = value.allowedCommands;
      this._allowedTools = value.allowedTools;
    }
  }

  // allowed_commands - computed: false, optional: true, required: false
  private _allowedCommands?: string[]; 
  public get allowedCommands() {
    return this.getListAttribute('allowed_commands');
  }
  public set allowedCommands(value: string[]) {
    this._allowedCommands = value;
  }
  public resetAllowedCommands() {
    this._allowedCommands = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get allowedCommandsInput() {
    return this._allowedCommands;
  }

  // allowed_tools - computed: false, optional: true, required: false
  private _allowedTools?: string[]; 
  public get allowedTools() {
    return this.getListAttribute('allowed_tools');
  }
  public set allowedTools(value: string[]) {
    this._allowedTools = value;
  }
  public resetAllowedTools() {
    this._allowedTools = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get allowedToolsInput() {
    return this._allowedTools;
  }
}
export interface PolicyBundleRuleConstraints {
  /**
  * Redaction level of outputs.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#redaction_level PolicyBundle#redaction_level}
  */
  readonly redactionLevel?: string;
  /**
  * budgets block
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#budgets PolicyBundle#budgets}
  */
  readonly budgets?: PolicyBundleRuleConstraintsBudgets;
  /**
  * diff block
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#diff PolicyBundle#diff}
  */
  readonly diff?: PolicyBundleRuleConstraintsDiff;
  /**
  * sandbox block
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#sandbox PolicyBundle#sandbox}
  */
  readonly sandbox?: PolicyBundleRuleConstraintsSandbox;
  /**
  * toolchain block
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#toolchain PolicyBundle#toolchain}
  */
  readonly toolchain?: PolicyBundleRuleConstraintsToolchain;
}

export function policyBundleRuleConstraintsToTerraform(struct?: PolicyBundleRuleConstraints | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    redaction_level: cdktf.stringToTerraform(struct!.redactionLevel),
    budgets: policyBundleRuleConstraintsBudgetsToTerraform(struct!.budgets),
    diff: policyBundleRuleConstraintsDiffToTerraform(struct!.diff),
    sandbox: policyBundleRuleConstraintsSandboxToTerraform(struct!.sandbox),
    toolchain: policyBundleRuleConstraintsToolchainToTerraform(struct!.toolchain),
  }
}


export function policyBundleRuleConstraintsToHclTerraform(struct?: PolicyBundleRuleConstraints | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    redaction_level: {
      value: cdktf.stringToHclTerraform(struct!.redactionLevel),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    budgets: {
      value: policyBundleRuleConstraintsBudgetsToHclTerraform(struct!.budgets),
      isBlock: true,
      type: "struct",
      storageClassType: "PolicyBundleRuleConstraintsBudgets",
    },
    diff: {
      value: policyBundleRuleConstraintsDiffToHclTerraform(struct!.diff),
      isBlock: true,
      type: "struct",
      storageClassType: "PolicyBundleRuleConstraintsDiff",
    },
    sandbox: {
      value: policyBundleRuleConstraintsSandboxToHclTerraform(struct!.sandbox),
      isBlock: true,
      type: "struct",
      storageClassType: "PolicyBundleRuleConstraintsSandbox",
    },
    toolchain: {
      value: policyBundleRuleConstraintsToolchainToHclTerraform(struct!.toolchain),
      isBlock: true,
      type: "struct",
      storageClassType: "PolicyBundleRuleConstraintsToolchain",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class PolicyBundleRuleConstraintsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): PolicyBundleRuleConstraints | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._redactionLevel !== undefined) {
      hasAnyValues = true;
      internalValueResult.redactionLevel = this._redactionLevel;
    }
    if (this._budgets?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.budgets = this._budgets?.internalValue;
    }
    if (this._diff?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.diff = this._diff?.internalValue;
    }
    if (this._sandbox?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.sandbox = this._sandbox?.internalValue;
    }
    if (this._toolchain?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.toolchain = this._toolchain?.internalValue;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: PolicyBundleRuleConstraints | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._redactionLevel = undefined;
      this._budgets.internalValue = undefined;
      this._diff.internalValue = undefined;
      this._sandbox.internalValue = undefined;
      this._toolchain.internalValue = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._redactionLevel = value.redactionLevel;
      this._budgets.internalValue = value.budgets;
      this._diff.internalValue = value.diff;
      this._sandbox.internalValue = value.sandbox;
      this._toolchain.internalValue = value.toolchain;
    }
  }

  // redaction_level - computed: false, optional: true, required: false
  private _redactionLevel?: string; 
  public get redactionLevel() {
    return this.getStringAttribute('redaction_level');
  }
  public set redactionLevel(value: string) {
    this._redactionLevel = value;
  }
  public resetRedactionLevel() {
    this._redactionLevel = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get redactionLevelInput() {
    return this._redactionLevel;
  }

  // budgets - computed: false, optional: true, required: false
  private _budgets = new PolicyBundleRuleConstraintsBudgetsOutputReference(this, "budgets");
  public get budgets() {
    return this._budgets;
  }
  public putBudgets(value: PolicyBundleRuleConstraintsBudgets) {
    this._budgets.internalValue = value;
  }
  public resetBudgets() {
    this._budgets.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get budgetsInput() {
    return this._budgets.internalValue;
  }

  // diff - computed: false, optional: true, required: false
  private _diff = new PolicyBundleRuleConstraintsDiffOutputReference(this, "diff");
  public get diff() {
    return this._diff;
  }
  public putDiff(value: PolicyBundleRuleConstraintsDiff) {
    this._diff.internalValue = value;
  }
  public resetDiff() {
    this._diff.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get diffInput() {
    return this._diff.internalValue;
  }

  // sandbox - computed: false, optional: true, required: false
  private _sandbox = new PolicyBundleRuleConstraintsSandboxOutputReference(this, "sandbox");
  public get sandbox() {
    return this._sandbox;
  }
  public putSandbox(value: PolicyBundleRuleConstraintsSandbox) {
    this._sandbox.internalValue = value;
  }
  public resetSandbox() {
    this._sandbox.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get sandboxInput() {
    return this._sandbox.internalValue;
  }

  // toolchain - computed: false, optional: true, required: false
  private _toolchain = new PolicyBundleRuleConstraintsToolchainOutputReference(this, "toolchain");
  public get toolchain() {
    return this._toolchain;
  }
  public putToolchain(value: PolicyBundleRuleConstraintsToolchain) {
    this._toolchain.internalValue = value;
  }
  public resetToolchain() {
    this._toolchain.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get toolchainInput() {
    return this._toolchain.internalValue;
  }
}
export interface PolicyBundleRuleMatch {
  /**
  * Actor ids.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#actor_ids PolicyBundle#actor_ids}
  */
  readonly actorIds?: string[];
  /**
  * Actor types.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#actor_types PolicyBundle#actor_types}
  */
  readonly actorTypes?: string[];
  /**
  * Capabilities (exact).
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#capabilities PolicyBundle#capabilities}
  */
  readonly capabilities?: string[];
  /**
  * Every key must equal.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#labels PolicyBundle#labels}
  */
  readonly labels?: { [key: string]: string };
  /**
  * Pack ids.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#pack_ids PolicyBundle#pack_ids}
  */
  readonly packIds?: string[];
  /**
  * Matches when the request has all of them.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#requires PolicyBundle#requires}
  */
  readonly requires?: string[];
  /**
  * Matches when the request has at least one.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#risk_tags PolicyBundle#risk_tags}
  */
  readonly riskTags?: string[];
  /**
  * Whether the request carries secrets.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#secrets_present PolicyBundle#secrets_present}
  */
  readonly secretsPresent?: boolean | cdktf.IResolvable;
  /**
  * Tenants (exact, case-insensitive).
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#tenants PolicyBundle#tenants}
  */
  readonly tenants?: string[];
  /**
  * Topic globs in the style of Go `path.Match` (`*` stays within a `/` segment).
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#topics PolicyBundle#topics}
  */
  readonly topics?: string[];
}

export function policyBundleRuleMatchToTerraform(struct?: PolicyBundleRuleMatch | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    actor_ids: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.actorIds),
    actor_types: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.actorTypes),
    capabilities: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.capabilities),
    labels: cdktf.hashMapper(cdktf.stringToTerraform)(struct!.labels),
    pack_ids: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.packIds),
    requires: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.requires),
    risk_tags: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.riskTags),
    secrets_present: cdktf.booleanToTerraform(struct!.secretsPresent),
    tenants: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.tenants),
    topics: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.topics),
  }
}


export function policyBundleRuleMatchToHclTerraform(struct?: PolicyBundleRuleMatch | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    actor_ids: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.actorIds),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    actor_types: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.actorTypes),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    capabilities: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.capabilities),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    labels: {
      value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(struct!.labels),
      isBlock: false,
      type: "map",
      storageClassType: "stringMap",
    },
    pack_ids: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.packIds),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    requires: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.requires),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    risk_tags: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.riskTags),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    secrets_present: {
      value: cdktf.booleanToHclTerraform(struct!.secretsPresent),
      isBlock: false,
      type: "simple",
      storageClassType: "boolean",
    },
    tenants: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.tenants),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    topics: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.topics),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class PolicyBundleRuleMatchOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): PolicyBundleRuleMatch | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._actorIds !== undefined) {
      hasAnyValues = true;
      internalValueResult.actorIds = this._actorIds;
    }
    if (this._actorTypes !== undefined) {
      hasAnyValues = true;
      internalValueResult.actorTypes = this._actorTypes;
    }
    if (this._capabilities !== undefined) {
      hasAnyValues = true;
      internalValueResult.capabilities = this._capabilities;
    }
    if (this._labels !== undefined) {
      hasAnyValues = true;
      internalValueResult.labels = this._labels;
    }
    if (this._packIds !== undefined) {
      hasAnyValues = true;
      internalValueResult.packIds = this._packIds;
    }
    if (this._requires !== undefined) {
      hasAnyValues = true;
      internalValueResult.requires = this._requires;
    }
    if (this._riskTags !== undefined) {
      hasAnyValues = true;
      internalValueResult.riskTags = this._riskTags;
    }
    if (this._secretsPresent !== undefined) {
      hasAnyValues = true;
      internalValueResult.secretsPresent = this._secretsPresent;
    }
    if (this._tenants !== undefined) {
      hasAnyValues = true;
      internalValueResult.tenants = this._tenants;
    }
    if (this._topics !== undefined) {
      hasAnyValues = true;
      internalValueResult.topics = this._topics;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: PolicyBundleRuleMatch | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._actorIds = undefined;
      this._actorTypes = undefined;
      this._capabilities = undefined;
      this._labels = undefined;
      this._packIds = undefined;
      this._requires = undefined;
      this._riskTags = undefined;
      this._secretsPresent = undefined;
      this._tenants = undefined;
      this._topics = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._actorIds = value.actorIds;
      this._actorTypes = value.actorTypes;
      this._capabilities = value.capabilities;
      this._labels = value.labels;
      this._packIds = value.packIds;
      this._requires = value.requires;
      this._riskTags = value.riskTags;
      this._secretsPresent = value.secretsPresent;
      this._tenants = value.tenants;
      this._topics = value.topics;
    }
  }

  // actor_ids - computed: false, optional: true, required: false
  private _actorIds?: string[]; 
  public get actorIds() {
    return this.getListAttribute('actor_ids');
  }
  public set actorIds(value: string[]) {
    this._actorIds = value;
  }
  public resetActorIds() {
    this._actorIds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get actorIdsInput() {
    return this._actorIds;
  }

  // actor_types - computed: false, optional: true, required: false
  private _actorTypes?: string[]; 
  public get actorTypes() {
    return this.getListAttribute('actor_types');
  }
  public set actorTypes(value: string[]) {
    this._actorTypes = value;
  }
  public resetActorTypes() {
    this._actorTypes = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get actorTypesInput() {
    return this._actorTypes;
  }

  // capabilities - computed: false, optional: true, required: false
  private _capabilities?: string[]; 
  public get capabilities() {
    return this.getListAttribute('capabilities');
  }
  public set capabilities(value: string[]) {
    this._capabilities = value;
  }
  public resetCapabilities() {
    this._capabilities = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get capabilitiesInput() {
    return this._capabilities;
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

  // pack_ids - computed: false, optional: true, required: false
  private _packIds?: string[]; 
  public get packIds() {
    return this.getListAttribute('pack_ids');
  }
  public set packIds(value: string[]) {
    this._packIds = value;
  }
  public resetPackIds() {
    this._packIds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get packIdsInput() {
    return this._packIds;
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

  // tenants - computed: false, optional: true, required: false
  private _tenants?: string[]; 
  public get tenants() {
    return this.getListAttribute('tenants');
  }
  public set tenants(value: string[]) {
    this._tenants = value;
  }
  public resetTenants() {
    this._tenants = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get tenantsInput() {
    return this._tenants;
  }

  // topics - computed: false, optional: true, required: false
  private _topics?: string[]; 
  public get topics() {
    return this.getListAttribute('topics');
  }
  public set topics(value: string[]) {
    this._topics = value;
  }
  public resetTopics() {
    this._topics = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get topicsInput() {
    return this._topics;
  }
}
export interface PolicyBundleRuleRemediation {
  /**
  * Labels to add.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#add_labels PolicyBundle#add_labels}
  */
  readonly addLabels?: { [key: string]: string };
  /**
  * Remediation id.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#id PolicyBundle#id}
  *
  * Please be aware that the id field is automatically added to all resources in Terraform providers using a Terraform provider SDK version below 2.
  * If you experience problems setting this value it might not be settable. Please take a look at the provider documentation to ensure it should be settable.
  */
  readonly id?: string;
  /**
  * Labels to remove.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#remove_labels PolicyBundle#remove_labels}
  */
  readonly removeLabels?: string[];
  /**
  * A safer capability.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#replacement_capability PolicyBundle#replacement_capability}
  */
  readonly replacementCapability?: string;
  /**
  * A safer topic.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#replacement_topic PolicyBundle#replacement_topic}
  */
  readonly replacementTopic?: string;
  /**
  * What to do instead.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#summary PolicyBundle#summary}
  */
  readonly summary?: string;
  /**
  * Title.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#title PolicyBundle#title}
  */
  readonly title?: string;
}

export function policyBundleRuleRemediationToTerraform(struct?: PolicyBundleRuleRemediation | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    add_labels: cdktf.hashMapper(cdktf.stringToTerraform)(struct!.addLabels),
    id: cdktf.stringToTerraform(struct!.id),
    remove_labels: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.removeLabels),
    replacement_capability: cdktf.stringToTerraform(struct!.replacementCapability),
    replacement_topic: cdktf.stringToTerraform(struct!.replacementTopic),
    summary: cdktf.stringToTerraform(struct!.summary),
    title: cdktf.stringToTerraform(struct!.title),
  }
}


export function policyBundleRuleRemediationToHclTerraform(struct?: PolicyBundleRuleRemediation | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    add_labels: {
      value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(struct!.addLabels),
      isBlock: false,
      type: "map",
      storageClassType: "stringMap",
    },
    id: {
      value: cdktf.stringToHclTerraform(struct!.id),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    remove_labels: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.removeLabels),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    replacement_capability: {
      value: cdktf.stringToHclTerraform(struct!.replacementCapability),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    replacement_topic: {
      value: cdktf.stringToHclTerraform(struct!.replacementTopic),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    summary: {
      value: cdktf.stringToHclTerraform(struct!.summary),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    title: {
      value: cdktf.stringToHclTerraform(struct!.title),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class PolicyBundleRuleRemediationOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): PolicyBundleRuleRemediation | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._addLabels !== undefined) {
      hasAnyValues = true;
      internalValueResult.addLabels = this._addLabels;
    }
    if (this._id !== undefined) {
      hasAnyValues = true;
      internalValueResult.id = this._id;
    }
    if (this._removeLabels !== undefined) {
      hasAnyValues = true;
      internalValueResult.removeLabels = this._removeLabels;
    }
    if (this._replacementCapability !== undefined) {
      hasAnyValues = true;
      internalValueResult.replacementCapability = this._replacementCapability;
    }
    if (this._replacementTopic !== undefined) {
      hasAnyValues = true;
      internalValueResult.replacementTopic = this._replacementTopic;
    }
    if (this._summary !== undefined) {
      hasAnyValues = true;
      internalValueResult.summary = this._summary;
    }
    if (this._title !== undefined) {
      hasAnyValues = true;
      internalValueResult.title = this._title;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: PolicyBundleRuleRemediation | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._addLabels = undefined;
      this._id = undefined;
      this._removeLabels = undefined;
      this._replacementCapability = undefined;
      this._replacementTopic = undefined;
      this._summary = undefined;
      this._title = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._addLabels = value.addLabels;
      this._id = value.id;
      this._removeLabels = value.removeLabels;
      this._replacementCapability = value.replacementCapability;
      this._replacementTopic = value.replacementTopic;
      this._summary = value.summary;
      this._title = value.title;
    }
  }

  // add_labels - computed: false, optional: true, required: false
  private _addLabels?: { [key: string]: string }; 
  public get addLabels() {
    return this.getStringMapAttribute('add_labels');
  }
  public set addLabels(value: { [key: string]: string }) {
    this._addLabels = value;
  }
  public resetAddLabels() {
    this._addLabels = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get addLabelsInput() {
    return this._addLabels;
  }

  // id - computed: false, optional: true, required: false
  private _id?: string; 
  public get id() {
    return this.getStringAttribute('id');
  }
  public set id(value: string) {
    this._id = value;
  }
  public resetId() {
    this._id = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get idInput() {
    return this._id;
  }

  // remove_labels - computed: false, optional: true, required: false
  private _removeLabels?: string[]; 
  public get removeLabels() {
    return this.getListAttribute('remove_labels');
  }
  public set removeLabels(value: string[]) {
    this._removeLabels = value;
  }
  public resetRemoveLabels() {
    this._removeLabels = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get removeLabelsInput() {
    return this._removeLabels;
  }

  // replacement_capability - computed: false, optional: true, required: false
  private _replacementCapability?: string; 
  public get replacementCapability() {
    return this.getStringAttribute('replacement_capability');
  }
  public set replacementCapability(value: string) {
    this._replacementCapability = value;
  }
  public resetReplacementCapability() {
    this._replacementCapability = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get replacementCapabilityInput() {
    return this._replacementCapability;
  }

  // replacement_topic - computed: false, optional: true, required: false
  private _replacementTopic?: string; 
  public get replacementTopic() {
    return this.getStringAttribute('replacement_topic');
  }
  public set replacementTopic(value: string) {
    this._replacementTopic = value;
  }
  public resetReplacementTopic() {
    this._replacementTopic = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get replacementTopicInput() {
    return this._replacementTopic;
  }

  // summary - computed: false, optional: true, required: false
  private _summary?: string; 
  public get summary() {
    return this.getStringAttribute('summary');
  }
  public set summary(value: string) {
    this._summary = value;
  }
  public resetSummary() {
    this._summary = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get summaryInput() {
    return this._summary;
  }

  // title - computed: false, optional: true, required: false
  private _title?: string; 
  public get title() {
    return this.getStringAttribute('title');
  }
  public set title(value: string) {
    this._title = value;
  }
  public resetTitle() {
    this._title = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get titleInput() {
    return this._title;
  }
}

export class PolicyBundleRuleRemediationList extends cdktf.ComplexList {
  public internalValue? : PolicyBundleRuleRemediation[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): PolicyBundleRuleRemediationOutputReference {
    return new PolicyBundleRuleRemediationOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface PolicyBundleRule {
  /**
  * allow, deny, require_approval, allow_with_constraints or throttle (or an alias).
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#decision PolicyBundle#decision}
  */
  readonly decision: string;
  /**
  * Rule id, unique in the bundle.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#id PolicyBundle#id}
  *
  * Please be aware that the id field is automatically added to all resources in Terraform providers using a Terraform provider SDK version below 2.
  * If you experience problems setting this value it might not be settable. Please take a look at the provider documentation to ensure it should be settable.
  */
  readonly id: string;
  /**
  * Why, shown with the decision.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#reason PolicyBundle#reason}
  */
  readonly reason?: string;
  /**
  * constraints block
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#constraints PolicyBundle#constraints}
  */
  readonly constraints?: PolicyBundleRuleConstraints;
  /**
  * match block
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#match PolicyBundle#match}
  */
  readonly match?: PolicyBundleRuleMatch;
  /**
  * remediation block
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#remediation PolicyBundle#remediation}
  */
  readonly remediation?: PolicyBundleRuleRemediation[] | cdktf.IResolvable;
}

export function policyBundleRuleToTerraform(struct?: PolicyBundleRule | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    decision: cdktf.stringToTerraform(struct!.decision),
    id: cdktf.stringToTerraform(struct!.id),
    reason: cdktf.stringToTerraform(struct!.reason),
    constraints: policyBundleRuleConstraintsToTerraform(struct!.constraints),
    match: policyBundleRuleMatchToTerraform(struct!.match),
    remediation: cdktf.listMapper(policyBundleRuleRemediationToTerraform, true)(struct!.remediation),
  }
}


export function policyBundleRuleToHclTerraform(struct?: PolicyBundleRule | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    decision: {
      value: cdktf.stringToHclTerraform(struct!.decision),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    id: {
      value: cdktf.stringToHclTerraform(struct!.id),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    reason: {
      value: cdktf.stringToHclTerraform(struct!.reason),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    constraints: {
      value: policyBundleRuleConstraintsToHclTerraform(struct!.constraints),
      isBlock: true,
      type: "struct",
      storageClassType: "PolicyBundleRuleConstraints",
    },
    match: {
      value: policyBundleRuleMatchToHclTerraform(struct!.match),
      isBlock: true,
      type: "struct",
      storageClassType: "PolicyBundleRuleMatch",
    },
    remediation: {
      value: cdktf.listMapperHcl(policyBundleRuleRemediationToHclTerraform, true)(struct!.remediation),
      isBlock: true,
      type: "list",
      storageClassType: "PolicyBundleRuleRemediationList",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class PolicyBundleRuleOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): PolicyBundleRule | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._decision !== undefined) {
      hasAnyValues = true;
      internalValueResult.decision = this._decision;
    }
    if (this._id !== undefined) {
      hasAnyValues = true;
      internalValueResult.id = this._id;
    }
    if (this._reason !== undefined) {
      hasAnyValues = true;
      internalValueResult.reason = this._reason;
    }
    if (this._constraints?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.constraints = this._constraints?.internalValue;
    }
    if (this._match?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.match = this._match?.internalValue;
    }
    if (this._remediation?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.remediation = this._remediation?.internalValue;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: PolicyBundleRule | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._decision = undefined;
      this._id = undefined;
      this._reason = undefined;
      this._constraints.internalValue = undefined;
      this._match.internalValue = undefined;
      this._remediation.internalValue = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._decision = value.decision;
      this._id = value.id;
      this._reason = value.reason;
      this._constraints.internalValue = value.constraints;
      this._match.internalValue = value.match;
      this._remediation.internalValue = value.remediation;
    }
  }

  // decision - computed: false, optional: false, required: true
  private _decision?: string; 
  public get decision() {
    return this.getStringAttribute('decision');
  }
  public set decision(value: string) {
    this._decision = value;
  }
  // Temporarily expose input value. Use with caution.
  public get decisionInput() {
    return this._decision;
  }

  // id - computed: false, optional: false, required: true
  private _id?: string; 
  public get id() {
    return this.getStringAttribute('id');
  }
  public set id(value: string) {
    this._id = value;
  }
  // Temporarily expose input value. Use with caution.
  public get idInput() {
    return this._id;
  }

  // reason - computed: false, optional: true, required: false
  private _reason?: string; 
  public get reason() {
    return this.getStringAttribute('reason');
  }
  public set reason(value: string) {
    this._reason = value;
  }
  public resetReason() {
    this._reason = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get reasonInput() {
    return this._reason;
  }

  // constraints - computed: false, optional: true, required: false
  private _constraints = new PolicyBundleRuleConstraintsOutputReference(this, "constraints");
  public get constraints() {
    return this._constraints;
  }
  public putConstraints(value: PolicyBundleRuleConstraints) {
    this._constraints.internalValue = value;
  }
  public resetConstraints() {
    this._constraints.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get constraintsInput() {
    return this._constraints.internalValue;
  }

  // match - computed: false, optional: true, required: false
  private _match = new PolicyBundleRuleMatchOutputReference(this, "match");
  public get match() {
    return this._match;
  }
  public putMatch(value: PolicyBundleRuleMatch) {
    this._match.internalValue = value;
  }
  public resetMatch() {
    this._match.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get matchInput() {
    return this._match.internalValue;
  }

  // remediation - computed: false, optional: true, required: false
  private _remediation = new PolicyBundleRuleRemediationList(this, "remediation", false);
  public get remediation() {
    return this._remediation;
  }
  public putRemediation(value: PolicyBundleRuleRemediation[] | cdktf.IResolvable) {
    this._remediation.internalValue = value;
  }
  public resetRemediation() {
    this._remediation.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get remediationInput() {
    return this._remediation.internalValue;
  }
}

export class PolicyBundleRuleList extends cdktf.ComplexList {
  public internalValue? : PolicyBundleRule[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): PolicyBundleRuleOutputReference {
    return new PolicyBundleRuleOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle cordum_policy_bundle}
*/
export class PolicyBundle extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "cordum_policy_bundle";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a PolicyBundle resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the PolicyBundle to import
  * @param importFromId The id of the existing PolicyBundle that should be imported. Refer to the {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the PolicyBundle to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "cordum_policy_bundle", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/policy_bundle cordum_policy_bundle} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options PolicyBundleConfig
  */
  public constructor(scope: Construct, id: string, config: PolicyBundleConfig) {
    super(scope, id, {
      terraformResourceType: 'cordum_policy_bundle',
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
    this._defaultTenant = config.defaultTenant;
    this._deployment = config.deployment;
    this._fragmentFile = config.fragmentFile;
    this._name = config.name;
    this._rule.internalValue = config.rule;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // default_tenant - computed: false, optional: true, required: false
  private _defaultTenant?: string; 
  public get defaultTenant() {
    return this.getStringAttribute('default_tenant');
  }
  public set defaultTenant(value: string) {
    this._defaultTenant = value;
  }
  public resetDefaultTenant() {
    this._defaultTenant = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get defaultTenantInput() {
    return this._defaultTenant;
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

  // fragment_file - computed: false, optional: true, required: false
  private _fragmentFile?: string; 
  public get fragmentFile() {
    return this.getStringAttribute('fragment_file');
  }
  public set fragmentFile(value: string) {
    this._fragmentFile = value;
  }
  public resetFragmentFile() {
    this._fragmentFile = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get fragmentFileInput() {
    return this._fragmentFile;
  }

  // hash - computed: true, optional: false, required: false
  public get hash() {
    return this.getStringAttribute('hash');
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // version - computed: true, optional: false, required: false
  public get version() {
    return this.getNumberAttribute('version');
  }

  // rule - computed: false, optional: true, required: false
  private _rule = new PolicyBundleRuleList(this, "rule", false);
  public get rule() {
    return this._rule;
  }
  public putRule(value: PolicyBundleRule[] | cdktf.IResolvable) {
    this._rule.internalValue = value;
  }
  public resetRule() {
    this._rule.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get ruleInput() {
    return this._rule.internalValue;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      default_tenant: cdktf.stringToTerraform(this._defaultTenant),
      deployment: cdktf.stringToTerraform(this._deployment),
      fragment_file: cdktf.stringToTerraform(this._fragmentFile),
      name: cdktf.stringToTerraform(this._name),
      rule: cdktf.listMapper(policyBundleRuleToTerraform, true)(this._rule.internalValue),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      default_tenant: {
        value: cdktf.stringToHclTerraform(this._defaultTenant),
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
      fragment_file: {
        value: cdktf.stringToHclTerraform(this._fragmentFile),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      rule: {
        value: cdktf.listMapperHcl(policyBundleRuleToHclTerraform, true)(this._rule.internalValue),
        isBlock: true,
        type: "list",
        storageClassType: "PolicyBundleRuleList",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
