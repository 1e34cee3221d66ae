import { describe, expect, it } from 'vitest';
import { urlAllowed } from '../../engine/steps/http.js';

describe('http step allowlist', () => {
  const allow = ['http://127.0.0.1:9000/hooks/'];
  it.each([
    ['http://127.0.0.1:9000/hooks/deploy', true],
    ['http://127.0.0.1:9000/hooks/', true],
    ['http://127.0.0.1:9000/hooksx', false],
    ['http://127.0.0.1:9000/admin', false],
    ['http://127.0.0.1:9001/hooks/deploy', false],
    ['https://127.0.0.1:9000/hooks/deploy', false],
    ['http://127.0.0.1:9000@evil.example/hooks/', false],
    ['http://127.0.0.1:9000/hooks/../admin', false],
    ['http://127.0.0.1:9000/hooks/..%2fadmin', false],
    ['http://127.0.0.1:9000/hooks/%2E%2E/admin', false],
    ['http://127.0.0.1:9000/hooks/..%5Cadmin', false],
    ['http://127.0.0.1:9000/hooks/a%20b?x=%2f', true],
    ['not a url', false],
  ])('%s is allowed: %s', (url, expected) => {
    expect(urlAllowed(url, allow)).toBe(expected);
  });
  it('allows nothing by default', () => {
    expect(urlAllowed('http://127.0.0.1:9000/hooks/x', [])).toBe(false);
  });
});
