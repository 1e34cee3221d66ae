// https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/pack
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataCordumPackConfig extends cdktf.TerraformMetaArguments {
  /**
  * The pack id.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/pack#id DataCordumPack#id}
  *
  * Please be aware that the id field is automatically added to all resources in Terraform providers using a Terraform provider SDK version below 2.
  * If you experience problems setting this value it might not be settable. Please take a look at the provider documentation to ensure it should be settable.
  */
  readonly id: string;
  /**
  * A semver range, e.g. `^1.2.0`. Default: `*` (the newest).
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/pack#range DataCordumPack#range}
  */
  readonly range?: string;
}

/**
* Represents a {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/pack cordum_pack}
*/
export class DataCordumPack extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "cordum_pack";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataCordumPack resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataCordumPack to import
  * @param importFromId The id of the existing DataCordumPack that should be imported. Refer to the {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/pack#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataCordumPack to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "cordum_pack", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://cordum.local/providers/cordum/cordum/latest/docs/data-sources/pack cordum_pack} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataCordumPackConfig
  */
  public constructor(scope: Construct, id: string, config: DataCordumPackConfig) {
    super(scope, id, {
      terraformResourceType: 'cordum_pack',
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
    this._id = config.id;
    this._range = config.range;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // bundle_url - computed: true, optional: false, required: false
  public get bundleUrl() {
    return this.getStringAttribute('bundle_url');
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

  // publisher - computed: true, optional: false, required: false
  public get publisher() {
    return this.getStringAttribute('publisher');
  }

  // range - computed: false, optional: true, required: false
  private _range?: string; 
  public get range() {
    return this.getStringAttribute('range');
  }
  public set range(value: string) {
    this._range = value;
  }
  public resetRange() {
    this._range = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get rangeInput() {
    return this._range;
  }

  // sha256 - computed: true, optional: false, required: false
  public get sha256() {
    return this.getStringAttribute('sha256');
  }

  // signer - computed: true, optional: false, required: false
  public get signer() {
    return this.getStringAttribute('signer');
  }

  // url - computed: true, optional: false, required: false
  public get url() {
    return this.getStringAttribute('url');
  }

  // version - computed: true, optional: false, required: false
  public get version() {
    return this.getStringAttribute('version');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      id: cdktf.stringToTerraform(this._id),
      range: cdktf.stringToTerraform(this._range),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      id: {
        value: cdktf.stringToHclTerraform(this._id),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      range: {
        value: cdktf.stringToHclTerraform(this._range),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
