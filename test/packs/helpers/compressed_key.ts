/**
 * A P-256 public key as PEM with its point compressed (33 bytes), as
 * `openssl ec -conv_form compressed` writes it.
 */
import { createPublicKey } from 'node:crypto';

export function compressedPem(publicPem: string): string {
  const der = createPublicKey(publicPem).export({ type: 'spki', format: 'der' });
  // An uncompressed SPKI ends with 04 || x || y; its AlgorithmIdentifier is bytes 2 to 22.
  const point = der.subarray(der.length - 65);
  const parity = (point[64]! & 1) === 1 ? 0x03 : 0x02;
  const spki = Buffer.concat([Buffer.from([0x30, 0x39]), der.subarray(2, 23),
    Buffer.from([0x03, 0x22, 0x00, parity]), point.subarray(1, 33)]);
  return `-----BEGIN PUBLIC KEY-----\n${spki.toString('base64')}\n-----END PUBLIC KEY-----\n`;
}
