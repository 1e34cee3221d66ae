/**
 * What every RPC handler shares: the provider definition, the configured
 * client, the logger, and the value codecs for state.
 */
import type { Logger } from '../plugin/log.js';
import type { DynamicValue } from '../plugin/messages.js';
import { error, type Diagnostic, DiagnosticsError } from './diagnostics.js';
import type { DataSource, ProviderDefinition, Resource, State } from './resource.js';
import type { TfType } from './types.js';
import { decodeJson, decodeMsgpack, encodeMsgpack, isObject, ValueError } from './values.js';

export interface ServerContext<Client> {
  readonly definition: ProviderDefinition<Client>;
  readonly logger: Logger;
  /** The configured client; an error diagnostic before ConfigureProvider. */
  client(): Client;
  setClient(client: Client): void;
  /** Stops the configured client's calls (StopProvider); nothing before configuration. */
  stop(): void;
  resource(typeName: string | undefined): Resource<Client>;
  dataSource(typeName: string | undefined): DataSource<Client>;
  /** Turns anything thrown into diagnostics. */
  describe(err: unknown): Diagnostic[];
}

export function createContext<Client>(
  definition: ProviderDefinition<Client>,
  logger: Logger,
  describeError: (err: unknown) => Diagnostic[] | undefined,
): ServerContext<Client> {
  let configured: { client: Client } | undefined;
  const resources = new Map(definition.resources.map((r) => [r.name, r]));
  const dataSources = new Map(definition.dataSources.map((d) => [d.name, d]));

  return {
    definition,
    logger,
    client() {
      if (!configured) {
        throw new DiagnosticsError([
          error('Provider Not Configured', 'ConfigureProvider was not called before this call.'),
        ]);
      }
      return configured.client;
    },
    setClient(client) {
      configured = { client };
    },
    stop() {
      if (configured) definition.stop?.(configured.client);
    },
    resource(typeName) {
      const found = resources.get(typeName ?? '');
      if (!found) throw unknownType('resource', typeName);
      return found;
    },
    dataSource(typeName) {
      const found = dataSources.get(typeName ?? '');
      if (!found) throw unknownType('data source', typeName);
      return found;
    },
    describe: (err) => describeFallback(err, describeError),
  };
}

function unknownType(kind: string, typeName: string | undefined): DiagnosticsError {
  return new DiagnosticsError([
    error(`Unknown ${kind} type`, `This provider has no ${kind} named "${typeName ?? ''}".`),
  ]);
}

function describeFallback(
  err: unknown,
  describeError: (err: unknown) => Diagnostic[] | undefined,
): Diagnostic[] {
  if (err instanceof DiagnosticsError) return err.diagnostics;
  const described = describeError(err);
  if (described) return described;
  if (err instanceof ValueError) {
    return [error('Invalid Value', err.message, err.path.length > 0 ? err.path : undefined)];
  }
  const message = err instanceof Error ? err.message : String(err);
  return [
    error(
      'Unexpected Provider Error',
      `${message}. This is a bug in the Cordum provider; ` +
        'please report it with TF_LOG=debug output.',
    ),
  ];
}

const NULL_MSGPACK = new Uint8Array([0xc0]);

/** Decodes a state, config or plan value; null when absent or null. */
export function decodeState(type: TfType, value: DynamicValue | undefined): State | null {
  let decoded;
  if (value?.msgpack && value.msgpack.length > 0) decoded = decodeMsgpack(type, value.msgpack);
  else if (value?.json && value.json.length > 0) decoded = decodeJson(type, value.json);
  else return null;
  if (decoded === null) return null;
  if (!isObject(decoded)) throw new ValueError([], 'expected an object value');
  return decoded;
}

export function encodeState(type: TfType, state: State | null): DynamicValue {
  return { msgpack: state === null ? NULL_MSGPACK : encodeMsgpack(type, state) };
}
