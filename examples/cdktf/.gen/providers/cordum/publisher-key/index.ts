// https://cordum.local/providers/cordum/cordum/latest/docs/resources/publisher_key
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface PublisherKeyConfig extends cdktf.TerraformMetaArguments {
  /**
  * The public key as PEM (SubjectPublicKeyInfo), e.g. `file("key.pub.pem")`.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/publisher_key#public_key PublisherKey#public_key}
  */
  readonly publicKey: string;
  /**
  * The publisher whose packs this key may sign.
  *
  * Docs at Terraform Registry: {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/publisher_key#publisher PublisherKey#publisher}
  */
  readonly publisher: string;
}

/**
* Represents a {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/publisher_key cordum_publisher_key}
*/
export class PublisherKey extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "cordum_publisher_key";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a PublisherKey resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the PublisherKey to import
  * @param importFromId The id of the existing PublisherKey that should be imported. Refer to the {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/publisher_key#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the PublisherKey to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "cordum_publisher_key", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://cordum.local/providers/cordum/cordum/latest/docs/resources/publisher_key cordum_publisher_key} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options PublisherKeyConfig
  */
  public constructor(scope: Construct, id: string, config: PublisherKeyConfig) {
    super(scope, id, {
      terraformResourceType: 'cordum_publisher_key',
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
    this._publicKey = config.publicKey;
    this._publisher = config.publisher;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // created_at - computed: true, optional: false, required: false
  public get createdAt() {
    return this.getStringAttribute('created_at');
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // key_id - computed: true, optional: false, required: false
  public get keyId() {
    return this.getStringAttribute('key_id');
  }

  // public_key - computed: false, optional: false, required: true
  private _publicKey?: string; 
  public get publicKey() {
    return this.getStringAttribute('public_key');
  }
  public set publicKey(value: string) {
    this._publicKey = value;
  }
  // Temporarily expose input value. Use with caution.
  public get publicKeyInput() {
    return this._publicKey;
  }

  // publisher - computed: false, optional: false, required: true
  private _publisher?: string; 
  public get publisher() {
    return this.getStringAttribute('publisher');
  }
  public set publisher(value: string) {
    this._publisher = value;
  }
  // Temporarily expose input value. Use with caution.
  public get publisherInput() {
    return this._publisher;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      public_key: cdktf.stringToTerraform(this._publicKey),
      publisher: cdktf.stringToTerraform(this._publisher),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      public_key: {
        value: cdktf.stringToHclTerraform(this._publicKey),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      publisher: {
        value: cdktf.stringToHclTerraform(this._publisher),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
