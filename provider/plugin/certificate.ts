/**
 * The throw-away certificate for go-plugin's AutoMTLS: a fresh P-256 key and
 * a self-signed certificate for `localhost`, made at every start. Terraform
 * trusts exactly this certificate (it reads it from the handshake line).
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import {
  bits,
  boolean,
  explicit,
  integer,
  octets,
  oid,
  sequence,
  set,
  time,
  tlv,
  utf8,
} from './der.js';

export interface ServerCertificate {
  /** The certificate, DER. */
  der: Buffer;
  certPem: string;
  keyPem: string;
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';

function name(): Buffer {
  return sequence(
    set(sequence(oid(ORGANIZATION), utf8('Cordum'))),
    set(sequence(oid(COMMON_NAME), utf8('localhost'))),
  );
}

function extensions(): Buffer {
  // dNSName [2] localhost; iPAddress [7] 127.0.0.1
  const san = sequence(
    tlv(0x82, Buffer.from('localhost', 'ascii')),
    tlv(0x87, Buffer.from([127, 0, 0, 1])),
  );
  // digitalSignature (bit 0), keyEncipherment (2), keyAgreement (4), keyCertSign (5)
  const keyUsage = tlv(0x03, Buffer.from([0x02, 0xac]));
  const serverAuth = oid('1.3.6.1.5.5.7.3.1');
  const clientAuth = oid('1.3.6.1.5.5.7.3.2');
  return explicit(
    3,
    sequence(
      sequence(oid('2.5.29.15'), boolean(true), octets(keyUsage)),
      sequence(oid('2.5.29.37'), octets(sequence(clientAuth, serverAuth))),
      sequence(oid('2.5.29.19'), boolean(true), octets(sequence(boolean(true)))),
      sequence(oid('2.5.29.17'), octets(san)),
    ),
  );
}

/** Makes the key pair and the certificate (about a millisecond). */
export function makeServerCertificate(now: Date = new Date()): ServerCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const algorithm = sequence(oid(ECDSA_WITH_SHA256));
  const notBefore = new Date(now.getTime() - 30_000);
  const notAfter = new Date(now.getTime() + 30 * 24 * 3600_000);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;

  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    name(),
    sequence(time(notBefore), time(notAfter)),
    name(),
    spki,
    extensions(),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, algorithm, bits(signature));

  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { der, certPem: toPem(der), keyPem };
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
