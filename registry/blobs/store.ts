/**
 * Content-addressed storage of pack tarballs: a blob's name is the SHA-256
 * of its bytes, so the same bytes are stored once and a changed blob is
 * found on read.
 */
export interface PutResult {
  sha256: string;
  /** False when a blob with these bytes was already there. */
  created: boolean;
}

export interface BlobStore {
  /** Stores `data`; safe to call again with the same bytes. */
  put(data: Buffer): Promise<PutResult>;
  /**
   * The bytes of blob `sha256`, re-hashed: throws `blob_corrupt` when the
   * bytes no longer match their name and `blob_missing` when absent.
   */
  get(sha256: string): Promise<Buffer>;
  has(sha256: string): Promise<boolean>;
  /** Removes a blob; no error when it is already gone. */
  remove(sha256: string): Promise<void>;
}
