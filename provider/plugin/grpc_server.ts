/**
 * Just enough of a gRPC server for go-plugin, on node:http2: unary calls
 * over one HTTP/2 stream each (length-prefixed protobuf in, the same out,
 * `grpc-status` in the trailers), UNIMPLEMENTED for anything else. Loading
 * a general gRPC library cost Terraform tens of milliseconds per provider
 * process, and it starts several per command.
 */
import http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import {
  decodeMessage,
  encodeMessage,
  loadTypes,
  type Message,
  type MessageType,
} from './protobuf.js';

export type UnaryHandler = (request: Message) => Promise<Message>;

interface MethodJson {
  requestType: string;
  responseType: string;
  requestStream?: boolean;
  responseStream?: boolean;
}

interface Method {
  request: MessageType;
  response: MessageType;
  unary: boolean;
}

const STATUS = { OK: 0, INTERNAL: 13, UNIMPLEMENTED: 12, INVALID_ARGUMENT: 3 } as const;

/** Every method of every service in the descriptor, by gRPC path (`/pkg.Service/Method`). */
export function loadMethods(descriptor: unknown): Map<string, Method> {
  const types = loadTypes(descriptor);
  const out = new Map<string, Method>();
  const walk = (ns: Record<string, unknown>, path: string[]) => {
    const nested = (ns.nested ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, child] of Object.entries(nested)) {
      const full = [...path, name];
      const methods = child.methods as Record<string, MethodJson> | undefined;
      for (const [methodName, m] of Object.entries(methods ?? {})) {
        const find = (ref: string) => {
          const type = types.get(`${path.join('.')}.${ref}`) ?? types.get(ref);
          if (!type) throw new Error(`grpc: ${full.join('.')}.${methodName}: unknown type ${ref}`);
          return type;
        };
        out.set(`/${full.join('.')}/${methodName}`, {
          request: find(m.requestType),
          response: find(m.responseType),
          unary: !m.requestStream && !m.responseStream,
        });
      }
      walk(child, full);
    }
  };
  walk(descriptor as Record<string, unknown>, []);
  return out;
}

/** A gRPC message frame: a compression flag byte, a 4-byte length, the message. */
export function frame(message: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

export function unframe(body: Buffer): Buffer {
  if (body.length < 5) throw new Error('grpc: the request has no message frame');
  if (body[0] !== 0) throw new Error('grpc: compressed messages are not supported');
  const length = body.readUInt32BE(1);
  if (body.length < 5 + length) throw new Error('grpc: the message frame is truncated');
  return body.subarray(5, 5 + length);
}

function trailersOnly(stream: http2.ServerHttp2Stream, status: number, message: string) {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond(
    {
      ':status': 200,
      'content-type': 'application/grpc',
      'grpc-status': String(status),
      'grpc-message': encodeURIComponent(message),
    },
    { endStream: true },
  );
}

function reply(stream: http2.ServerHttp2Stream, body: Buffer, done: () => void) {
  if (stream.destroyed) return;
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(STATUS.OK) }));
  stream.on('close', done);
  stream.end(body);
}

export interface GrpcOptions {
  /** The method table, asked for when the first call comes (it takes a few ms to build). */
  methods: () => Map<string, Method>;
  handlers: Map<string, UnaryHandler>;
  /** TLS material; plaintext when absent. */
  tls?: { key: string; cert: string; clientCa: string };
  /** Called after each call's answer has been written (Shutdown waits for it). */
  onAnswered?: (path: string) => void;
}

function onStream(options: GrpcOptions, stream: http2.ServerHttp2Stream, path: string) {
  const method = options.methods().get(path);
  const handler = options.handlers.get(path);
  if (!method || !handler || !method.unary) {
    stream.resume();
    trailersOnly(stream, STATUS.UNIMPLEMENTED, `${path} is not implemented`);
    return;
  }
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => {
    let request: Message;
    try {
      request = decodeMessage(method.request, unframe(Buffer.concat(chunks)));
    } catch (err) {
      trailersOnly(stream, STATUS.INVALID_ARGUMENT, String(err));
      return;
    }
    handler(request).then(
      (response) =>
        reply(stream, frame(encodeMessage(method.response, response)), () =>
          options.onAnswered?.(path),
        ),
      (err: unknown) => trailersOnly(stream, STATUS.INTERNAL, String(err)),
    );
  });
  stream.on('error', () => undefined);
}

/**
 * An HTTP/2 server answering gRPC calls; call `listen` on it. With TLS it
 * asks for a client certificate and serves only a peer whose certificate is
 * byte for byte one of `clientCa` (go-plugin's AutoMTLS trusts exactly that
 * one). The check is ours rather than OpenSSL's chain check: giving Node any
 * `ca` (or none) makes it parse its ~140 bundled root certificates first,
 * about 20 ms of every provider start; an empty list skips them. The TLS
 * handshake still proves the peer holds the certificate's private key.
 */
export function createGrpcServer(options: GrpcOptions): http2.Http2Server {
  const trusted = options.tls ? pemCertificates(options.tls.clientCa) : [];
  const server = options.tls
    ? http2.createSecureServer({
        key: options.tls.key,
        cert: options.tls.cert,
        ca: [],
        requestCert: true,
        rejectUnauthorized: false,
        ALPNProtocols: ['h2'],
        minVersion: 'TLSv1.2',
      })
    : http2.createServer();
  const admitted = new WeakSet<http2.Http2Session>();
  server.on('session', (session: http2.Http2Session) => {
    if (!options.tls || peerTrusted(session.socket as TLSSocket, trusted)) admitted.add(session);
    else session.destroy();
  });
  server.on('stream', (stream, headers) => {
    if (!admitted.has(stream.session as http2.Http2Session)) {
      stream.session?.destroy();
      return;
    }
    onStream(options, stream, String(headers[':path'] ?? ''));
  });
  server.on('sessionError', () => undefined);
  return server;
}

/** The DER of every certificate in a PEM text. */
export function pemCertificates(pem: string): Buffer[] {
  const out: Buffer[] = [];
  const re = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;
  for (const m of pem.matchAll(re)) {
    out.push(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64'));
  }
  return out;
}

function peerTrusted(socket: TLSSocket, trusted: Buffer[]): boolean {
  const peer = socket.getPeerX509Certificate?.();
  if (!peer) return false;
  return trusted.some((der) => der.equals(peer.raw));
}
