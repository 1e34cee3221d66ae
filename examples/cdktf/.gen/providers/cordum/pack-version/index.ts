// https://cordum.local/providers/cordum/cordum/latest/docs/resources/pack_version
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface PackVersionConfig extends cdktf.TerraformMetaArguments {
  /**
  * Path of its sigstore bundle. Default: the tarball path + `.sigstore.json`.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/pack_version#bundle PackVersion#bundle}
  */
  readonly bundle?: string;
  /**
  * Path of the pack tarball (`.tgz`) made by `cordum pack build`.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/pack_version#tarball PackVersion#tarball}
  */
  readonly tarball: string;
}

/**
* Represents a {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/pack_version cordum_pack_version}
*/
export class PackVersion extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "cordum_pack_version";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a PackVersion resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the PackVersion to import
  * @param importFromId The id of the existing PackVersion that should be imported. Refer to the {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/pack_version#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the PackVersion to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "cordum_pack_version", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/pack_version cordum_pack_version} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options PackVersionConfig
  */
  public constructor(scope: Construct, id: string, config: PackVersionConfig) {
    super(scope, id, {
      terraformResourceType: 'cordum_pack_version',
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
    this._bundle = config.bundle;
    this._tarball = config.tarball;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // bundle - computed: true, optional: true, required: false
  private _bundle?: string; 
  public get bundle() {
    return this.getStringAttribute('bundle');
  }
  public set bundle(value: string) {
    this._bundle = value;
  }
  public resetBundle() {
    this._bundle = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get bundleInput() {
    return this._bundle;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // key_id - computed: true, optional: false, required: false
  public get keyId() {
    return this.getStringAttribute('key_id');
  }

  // pack_id - computed: true, optional: false, required: false
  public get packId() {
    return this.getStringAttribute('pack_id');
  }

  // published_at - computed: true, optional: false, required: false
  public get publishedAt() {
    return this.getStringAttribute('published_at');
  }

  // published_pack_id - computed: true, optional: false, required: false
  public get publishedPackId() {
    return this.getStringAttribute('published_pack_id');
  }

  // sha256 - computed: true, optional: false, required: false
  public get sha256() {
    return this.getStringAttribute('sha256');
  }

  // tarball - computed: false, optional: false, required: true
  private _tarball?: string; 
  public get tarball() {
    return this.getStringAttribute('tarball');
  }
  public set tarball(value: string) {
    this._tarball = value;
  }
  // Temporarily expose input value. Use with caution.
  public get tarballInput() {
    return this._tarball;
  }

  // tarball_url - computed: true, optional: false, required: false
  public get tarballUrl() {
    return this.getStringAttribute('tarball_url');
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
      bundle: cdktf.stringToTerraform(this._bundle),
      tarball: cdktf.stringToTerraform(this._tarball),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      bundle: {
        value: cdktf.stringToHclTerraform(this._bundle),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      tarball: {
        value: cdktf.stringToHclTerraform(this._tarball),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
