/** The JSON answers of the registry's `/v1/log` API besides tree heads. */

/** One entry of `GET /v1/log/entries`. `body` is the exact text the leaf hashes. */
export interface LogEntryView {
  index: number;
  leaf_hash: string;
  body: string;
  entry: Record<string, unknown>;
}

/** `GET /v1/log/proof/inclusion?index=I&tree_size=N`. */
export interface InclusionProof {
  index: number;
  tree_size: number;
  leaf_hash: string;
  audit_path: string[];
}

/** `GET /v1/log/proof/consistency?first=M&second=N`. */
export interface ConsistencyProof {
  first: number;
  second: number;
  proof: string[];
}

/** What a client asks to find entries by. */
export interface EntryQuery {
  sha256?: string;
  pack?: string;
  version?: string;
  /** Entries naming a signing key: its changes and the publishes it signed. */
  key_id?: string;
}
