/**
 * `http` steps on each backend against a worker on loopback: only URLs
 * the deployment allows, retries after a 503 under one idempotency key,
 * answers holding a NUL refused, and only the first MiB of an answer read.
 */
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { stepOf } from './held.js';
import { stepsSuite } from './steps_suite.js';

describe.each(backends())('step types on $name', (backend) => {
  const suite = stepsSuite(backend);
  const { engine } = suite;

  it('calls only URLs the deployment allows', async () => {
    const e = await engine();
    const ok = await e.start('demo.call', { url: suite.worker.url });
    expect(stepOf(ok, 'call').output).toMatchObject({ status: 200, body: { echo: 'hello' } });
    const other = suite.worker.url.replace('/jobs', '/admin');
    const refused = await e.start('demo.call', { url: other });
    expect(stepOf(refused, 'call').error?.code).toBe('http_not_allowed');
    // A query (a token, say) is never shown in the step's error.
    const secret = await e.start('demo.call', { url: `${other}?token=SECRET` });
    expect(stepOf(secret, 'call').error?.message).toContain('/admin?…');
    expect(JSON.stringify(stepOf(secret, 'call').error)).not.toContain('SECRET');
    // Nor a password in the URL itself.
    const withUser = other.replace('://', '://ana:SECRET@');
    const login = await e.start('demo.call', { url: withUser });
    expect(stepOf(login, 'call').error?.message).toContain('http://…@127.0.0.1');
    expect(JSON.stringify(stepOf(login, 'call').error)).not.toContain('SECRET');
    expect(suite.worker.jobs).toHaveLength(1);
  });

  it('retries an http step after a 503, with one idempotency key for every call', async () => {
    const e = await engine();
    const url = suite.worker.url;
    const twice = await e.start('demo.call-again', { url,
      body: { input: { message: 'again', fail_calls: 2 } } });
    expect(stepOf(twice, 'call')).toMatchObject({ status: 'succeeded',
      output: { status: 200, body: { echo: 'again' } } });
    const keys = suite.worker.jobs.map((j) => j.headers['idempotency-key']);
    expect(keys).toEqual([`${twice.run.id}:call`, `${twice.run.id}:call`, `${twice.run.id}:call`]);
    const events = (await e.timeline(twice.run.id)).filter((t) => t.type === 'job_failed');
    expect(events.map((t) => t.details?.attempt)).toEqual([1, 2]);
    const always = await e.start('demo.call-again', { url,
      body: { input: { message: 'no', fail_calls: 9 } } });
    expect(stepOf(always, 'call').error).toMatchObject({ code: 'http_failed',
      message: expect.stringMatching(/answered 503/) });
    expect(suite.worker.jobs).toHaveLength(6);
  });

  it('refuses an answer holding a NUL, and quotes a failed one with the NUL replaced',
    async () => {
      const e = await engine();
      const url = suite.worker.url;
      const json = { raw: '["a\\u0000"]', type: 'application/json' };
      const nul = await e.start('demo.call-with', { url, body: { input: json } });
      expect(stepOf(nul, 'call').error).toMatchObject({
        code: 'http_bad_output',
        details: { status: 200, at: '/0' },
      });
      const text = await e.start('demo.call-with',
        { url, body: { input: { raw: 'x', nul: true } } });
      expect(stepOf(text, 'call').error?.code).toBe('http_bad_output');
      const down = { input: { raw: 'down', nul: true, status: 503 } };
      const failed = await e.start('demo.call-with', { url, body: down });
      expect(stepOf(failed, 'call').error).toMatchObject({
        code: 'http_failed',
        message: expect.stringMatching(/answered 503: down\ufffd$/),
        details: { status: 503, body: 'down\ufffd' },
      });
      expect((await e.view(failed.run.id)).run.status).toBe('failed');
      const deep = { raw: `${'['.repeat(20_000)}${']'.repeat(20_000)}`, type: 'application/json' };
      const tooDeep = await e.start('demo.call-with', { url, body: { input: deep } });
      expect(stepOf(tooDeep, 'call').error?.code).toBe('http_bad_output');
    });

  it('keeps only the first MiB of an answer, reading no further', async () => {
    const e = await engine();
    const raw = `${'é'.repeat(600_000)}tail`;
    const asked = { url: suite.worker.url, body: { input: { raw } } };
    const view = await e.start('demo.call-with', asked);
    const body = (stepOf(view, 'call').output as { body: string }).body;
    // 2^20 bytes of two-byte characters: exactly 2^19 of them, and no tail.
    expect([body.length, body.slice(-3)]).toEqual([2 ** 19, 'ééé']);
  });
});
