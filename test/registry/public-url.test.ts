/**
 * `registry serve --public-url`: the base of every URL handed out, so one
 * that is not an http(s) base URL is a usage error before anything starts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { publicUrlOf } from '../../registry/urls.js';

describe('publicUrlOf', () => {
  it.each([
    ['http://127.0.0.1:7800', 'http://127.0.0.1:7800'],
    ['https://packs.example.com/', 'https://packs.example.com'],
    ['https://example.com/registry//', 'https://example.com/registry'],
  ])('keeps %s as %s', (text, base) => {
    expect(publicUrlOf(text)).toBe(base);
  });

  it.each([
    ['notaurl', 'is not an absolute URL'],
    ['/v1', 'is not an absolute URL'],
    ['ftp://packs.example.com', 'has the scheme ftp'],
    ['javascript:alert(1)', 'has the scheme javascript'],
    ['https://packs.example.com/?x=1', 'query or fragment'],
    ['https://packs.example.com/?', 'query or fragment'],
    ['https://packs.example.com/#top', 'query or fragment'],
    ['https://user:secret@packs.example.com', 'holds credentials'],
  ])('refuses %s as a usage error', (text, why) => {
    expect(() => publicUrlOf(text)).toThrow(expect.objectContaining({ code: 'usage',
      message: expect.stringContaining(why) }));
  });
});

describe('cordum registry serve --public-url', () => {
  it.each(['notaurl', 'ftp://x'])('refuses "%s" with exit 2, before the data folder is made',
    (url) => {
      const data = join(mkdtempSync(join(tmpdir(), 'cordum-reg-url-')), 'never-made');
      // A URL taken as valid would start a server: the timeout stops it.
      const r = spawnSync(process.execPath, [CLI, 'registry', 'serve', '--port', '0', '--data',
        data, '--public-url', url], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^error\[usage\]: --public-url /);
      expect(existsSync(data)).toBe(false);
    });
});
