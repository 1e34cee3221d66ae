/**
 * Test side only: gRPC service definitions for grpc-js, built with protobufjs
 * from the provider's precompiled descriptor. The suites use grpc-js as an
 * independent client to check the provider's own small gRPC server.
 * Messages cross as plain objects with the protocol's snake_case names.
 */
import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs/light.js';
import { descriptor } from '../../provider/proto/descriptor.js';

const TO_OBJECT: protobuf.IConversionOptions = {
  longs: Number,
  enums: Number,
  oneofs: true,
  defaults: false,
};

export type ServiceName =
  'tfplugin6.Provider' | 'plugin.GRPCController' | 'plugin.GRPCStdio' | 'plugin.GRPCBroker';

type Method = MethodDefinition<object, object>;

function method(root: protobuf.Root, service: string, m: protobuf.Method): Method {
  const requestType = root.lookupType(m.resolvedRequestType?.fullName ?? m.requestType);
  const responseType = root.lookupType(m.resolvedResponseType?.fullName ?? m.responseType);
  return {
    path: `/${service}/${m.name}`,
    originalName: m.name,
    requestStream: m.requestStream === true,
    responseStream: m.responseStream === true,
    requestSerialize: (value) =>
      Buffer.from(requestType.encode(requestType.fromObject(value)).finish()),
    requestDeserialize: (bytes) => requestType.toObject(requestType.decode(bytes), TO_OBJECT),
    responseSerialize: (value) =>
      Buffer.from(responseType.encode(responseType.fromObject(value)).finish()),
    responseDeserialize: (bytes) => responseType.toObject(responseType.decode(bytes), TO_OBJECT),
  };
}

/** Every service of our .proto files, by full name. */
export function loadServices(): Record<ServiceName, ServiceDefinition> {
  const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
  root.resolveAll();
  const names: ServiceName[] = [
    'tfplugin6.Provider',
    'plugin.GRPCController',
    'plugin.GRPCStdio',
    'plugin.GRPCBroker',
  ];
  const out = {} as Record<ServiceName, ServiceDefinition>;
  for (const name of names) {
    const service = root.lookupService(name);
    const methods: Record<string, Method> = {};
    for (const m of service.methodsArray) methods[m.name] = method(root, name, m);
    out[name] = methods;
  }
  return out;
}

/** The server certificate of a handshake line (DER, base64) as PEM. */
export function derToPem(b64: string): string {
  const lines =
    Buffer.from(b64, 'base64')
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Provider and controller clients on a plugin's Unix socket. */
export function clients(address: string, creds: grpc.ChannelCredentials) {
  const services = loadServices();
  const options = {
    'grpc.ssl_target_name_override': 'localhost',
    'grpc.default_authority': 'localhost',
  };
  const Provider = grpc.makeGenericClientConstructor(services['tfplugin6.Provider'], 'Provider');
  const Controller = grpc.makeGenericClientConstructor(services['plugin.GRPCController'], 'C');
  return {
    provider: new Provider(`unix://${address}`, creds, options),
    controller: new Controller(`unix://${address}`, creds, options),
  };
}

/**
 * Provider and controller clients for the plugin a handshake line names,
 * over mutual TLS: the line's server certificate, `client`'s own pair.
 */
export function tlsClients(line: string, client: { keyPem: string; certPem: string }) {
  const [, , , address, , cert] = line.split('|');
  const creds = grpc.credentials.createSsl(
    Buffer.from(derToPem(cert!)),
    Buffer.from(client.keyPem),
    Buffer.from(client.certPem),
  );
  return clients(address!, creds);
}

/** One unary call, by method name. */
export function unary(
  client: grpc.Client,
  method: string,
  request: object,
): Promise<Record<string, unknown>> {
  return new Promise((done, fail) => {
    const fn = (client as unknown as Record<string, Function>)[method]!.bind(client);
    fn(request, (err: Error | null, res: Record<string, unknown>) => (err ? fail(err) : done(res)));
  });
}
