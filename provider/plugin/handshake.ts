/**
 * The go-plugin handshake: the magic cookie Terraform sets, and the one line
 * the plugin prints on stdout once it listens.
 */
export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE =
  'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
export const CORE_PROTOCOL_VERSION = 1;
export const PLUGIN_PROTOCOL_VERSION = 6;

export const NOT_A_COMMAND =
  'This binary is a plugin. These are not meant to be executed directly.\n' +
  'Terraform starts it when a configuration uses the cordum provider: run\n' +
  '`cordum provider install` in your Terraform folder, then `terraform init`.\n';

/** True when Terraform (or a test acting for it) started this process. */
export function startedByTerraform(env: NodeJS.ProcessEnv): boolean {
  return env[MAGIC_COOKIE_KEY] === MAGIC_COOKIE_VALUE;
}

/**
 * `1|6|unix|/path|grpc|CERT`: core and plugin protocol versions, network,
 * address, protocol and the server certificate (DER, base64 without padding;
 * empty without TLS).
 */
export function handshakeLine(network: 'unix' | 'tcp', address: string, certDer?: Buffer): string {
  const cert = certDer ? certDer.toString('base64').replace(/=+$/, '') : '';
  const fields = [CORE_PROTOCOL_VERSION, PLUGIN_PROTOCOL_VERSION, network, address, 'grpc', cert];
  return `${fields.join('|')}\n`;
}
