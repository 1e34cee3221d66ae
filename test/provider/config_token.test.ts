/**
 * The provider's token as configured: `file("token.txt")` keeps the file's
 * line end, which Node refuses in a header, so every request failed as
 * "Registry Unreachable" naming the URL. The spaces around a token are
 * dropped; one holding a character no header can carry is refused on
 * `token`, without showing it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureClient } from '../../provider/config.js';
import { createLogger } from '../../provider/plugin/log.js';

let seen: string | undefined;
const server = createServer((req, res) => {
  seen = req.headers.authorization;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ updated_at: 'now', packs: [] }));
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
});

const configure = (token: string | null, env: NodeJS.ProcessEnv = {}) =>
  configureClient({ registry_url: url, token }, env, createLogger(undefined), '1.11.4');

describe('the provider token', () => {
  it.each([
    ['the attribute, read from a file', 'tok_abc\n', {}],
    ['the attribute, CRLF and spaces', '  tok_abc\r\n', {}],
    ['CORDUM_TOKEN', null, { CORDUM_TOKEN: 'tok_abc\n' }],
  ])('sends %s without the space around it', async (_what, token, env) => {
    await configure(token, env).registry.catalog();
    expect(seen).toBe('Bearer tok_abc');
  });

  it.each([
    ['token', 'tok_a\nb', {}],
    ['token', 'tok a', {}],
    ['CORDUM_TOKEN', null, { CORDUM_TOKEN: 'tok_\u2028x' }],
  ])('refuses a %s holding what no header carries, on token', (from, token, env) => {
    expect(() => configure(token, env)).toThrow(expect.objectContaining({
      code: 'config_invalid',
      path: ['token'],
      message: expect.stringMatching(new RegExp(`^The provider's ${from} holds a space[^_]*$`)),
    }));
  });

  it('sends none for a token of spaces alone', async () => {
    await configure('  \n').registry.catalog();
    expect(seen).toBeUndefined();
  });
});
