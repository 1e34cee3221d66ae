// https://cordum.local/providers/cordum/cordum/latest/docs
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface CordumProviderConfig {
  /**
  * Base URL of the Cordum engine, when one runs. Default: `CORDUM_ENGINE`.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs#engine_url CordumProvider#engine_url}
  */
  readonly engineUrl?: string;
  /**
  * Base URL of the Cordum registry. Default: `CORDUM_REGISTRY`.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs#registry_url CordumProvider#registry_url}
  */
  readonly registryUrl?: string;
  /**
  * Deadline of each registry request, in seconds (1 to 86400). Default: 30.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs#timeout_seconds CordumProvider#timeout_seconds}
  */
  readonly timeoutSeconds?: number;
  /**
  * Registry token (a bearer token). Default: `CORDUM_TOKEN`.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs#token CordumProvider#token}
  */
  readonly token?: string;
  /**
  * Alias name
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs#alias CordumProvider#alias}
  */
  readonly alias?: string;
}

/**
* Represents a {@link https://cordum.local/providers/cordum/cordum/latest/docs cordum}
*/
export class CordumProvider extends cdktf.TerraformProvider {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "cordum";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a CordumProvider resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the CordumProvider to import
  * @param importFromId The id of the existing CordumProvider that should be imported. Refer to the {@link https://cordum.local/providers/cordum/cordum/latest/docs#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the CordumProvider to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "cordum", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://cordum.local/providers/cordum/cordum/latest/docs cordum} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options CordumProviderConfig = {}
  */
  public constructor(scope: Construct, id: string, config: CordumProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'cordum',
      terraformGeneratorMetadata: {
        providerName: 'cordum',
        providerVersionConstraint: '0.1.0'
      },
      terraformProviderSource: 'cordum.local/cordum/cordum'
    });
    this._engineUrl = config.engineUrl;
    this._registryUrl = config.registryUrl;
    this._timeoutSeconds = config.timeoutSeconds;
    this._token = config.token;
    this._alias = config.alias;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // engine_url - computed: false, optional: true, required: false
  private _engineUrl?: string; 
  public get engineUrl() {
    return this._engineUrl;
  }
  public set engineUrl(value: string | undefined) {
    this._engineUrl = value;
  }
  public resetEngineUrl() {
    this._engineUrl = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get engineUrlInput() {
    return this._engineUrl;
  }

  // registry_url - computed: false, optional: true, required: false
  private _registryUrl?: string; 
  public get registryUrl() {
    return this._registryUrl;
  }
  public set registryUrl(value: string | undefined) {
    this._registryUrl = value;
  }
  public resetRegistryUrl() {
    this._registryUrl = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get registryUrlInput() {
    return this._registryUrl;
  }

  // timeout_seconds - computed: false, optional: true, required: false
  private _timeoutSeconds?: number; 
  public get timeoutSeconds() {
    return this._timeoutSeconds;
  }
  public set timeoutSeconds(value: number | undefined) {
    this._timeoutSeconds = value;
  }
  public resetTimeoutSeconds() {
    this._timeoutSeconds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get timeoutSecondsInput() {
    return this._timeoutSeconds;
  }

  // token - computed: false, optional: true, required: false
  private _token?: string; 
  public get token() {
    return this._token;
  }
  public set token(value: string | undefined) {
    this._token = value;
  }
  public resetToken() {
    this._token = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get tokenInput() {
    return this._token;
  }

  // alias - computed: false, optional: true, required: false
  private _alias?: string; 
  public get alias() {
    return this._alias;
  }
  public set alias(value: string | undefined) {
    this._alias = value;
  }
  public resetAlias() {
    this._alias = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get aliasInput() {
    return this._alias;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      engine_url: cdktf.stringToTerraform(this._engineUrl),
      registry_url: cdktf.stringToTerraform(this._registryUrl),
      timeout_seconds: cdktf.numberToTerraform(this._timeoutSeconds),
      token: cdktf.stringToTerraform(this._token),
      alias: cdktf.stringToTerraform(this._alias),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      engine_url: {
        value: cdktf.stringToHclTerraform(this._engineUrl),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      registry_url: {
        value: cdktf.stringToHclTerraform(this._registryUrl),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      timeout_seconds: {
        value: cdktf.numberToHclTerraform(this._timeoutSeconds),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      token: {
        value: cdktf.stringToHclTerraform(this._token),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      alias: {
        value: cdktf.stringToHclTerraform(this._alias),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
