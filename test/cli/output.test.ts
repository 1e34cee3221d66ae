/**
 * cli/output.ts turns Node's file-system errors into codes of ours: a file
 * that cannot be read is `file_missing` (as docs/troubleshooting.md says),
 * one that cannot be written `file_unwritable`. Root reads every file, so a
 * refused `open` is probed through the injected `isUnreadable`.
 */
import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { reportFailure, shellWord, toCommandError } from '../../cli/output.js';

const fsError = (code: string, syscall: string, path: string) =>
  Object.assign(new Error(`${code}: refused, ${syscall} '${path}'`), { code, syscall, path });

describe('toCommandError of file-system errors', () => {
  const cases: [string, Error, boolean, string][] = [
    ['reading an unreadable file', fsError('EACCES', 'open', '/p/secret.pem'), true,
      'file_missing'],
    ['listing an unreadable folder', fsError('EACCES', 'scandir', '/p/pack'), false,
      'file_missing'],
    ['reading a folder as a file', fsError('EISDIR', 'read', '/p/pack'), false, 'file_missing'],
    ['writing into a folder without permission', fsError('EACCES', 'open', '/ro/out.tgz'), false,
      'file_unwritable'],
    ['making a folder without permission', fsError('EACCES', 'mkdir', '/ro/keys'), false,
      'file_unwritable'],
    ['writing a file where a folder is', fsError('EISDIR', 'open', '/p/out'), false,
      'file_unwritable'],
    ['a missing file', fsError('ENOENT', 'open', '/p/none'), false, 'file_missing'],
    ['a file made twice', fsError('EEXIST', 'mkdir', '/p/keys'), false, 'file_exists'],
    ['writing a name too long for the file system', fsError('ENAMETOOLONG', 'open', '/p/x'),
      false, 'file_unwritable'],
    ['reading a name too long for the file system', fsError('ENAMETOOLONG', 'stat', '/p/x'),
      false, 'file_missing'],
  ];

  it.each(cases)('%s', (_name, err, unreadable, code) => {
    const error = toCommandError(err, () => unreadable);
    expect(error.code).toBe(code);
    expect(error.message).toContain(`(${(err as Error & { path: string }).path})`);
  });

  it('never says unwritable for a refused read', () => {
    const error = toCommandError(fsError('EACCES', 'open', '/p/secret.pem'), () => true);
    expect(error).toEqual({ code: 'file_missing',
      message: "permission denied (/p/secret.pem): EACCES: refused, open '/p/secret.pem'" });
  });
});

describe('toCommandError of a server that cannot listen', () => {
  const listenError = (host: string) => new Promise<Error>((resolve, reject) => {
    const server = createServer();
    server.once('error', resolve);
    server.listen(0, host, () => server.close(() => reject(new Error(`listened on ${host}`))));
  });

  it('names an address that is not this machine\'s (a real bind, no packet sent)', async () => {
    // 192.0.2.1 is TEST-NET-1: never an address of this machine, so the bind fails locally.
    expect(toCommandError(await listenError('192.0.2.1'))).toEqual({
      code: 'address_unavailable', message: "the address 192.0.2.1 is not one of this " +
        "machine's: give --host one of its addresses (127.0.0.1 for loopback)" });
  });

  it('says a refused port is a privilege matter, not a file that cannot be written', () => {
    // Tests run as root, which may listen anywhere: Node's error, as a user gets it.
    const refused = Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'),
      { code: 'EACCES', errno: -13, syscall: 'listen', address: '0.0.0.0', port: 80 });
    expect(toCommandError(refused, () => false)).toEqual({ code: 'port_forbidden',
      message: 'listening on 0.0.0.0:80 is not permitted to this user (ports under 1024 need ' +
        'privileges): pick another with --port' });
  });

  it('names a host name that does not resolve', () => {
    // Node's error for a name no resolver knows (made here: a real lookup would leave loopback).
    const unknown = Object.assign(new Error('getaddrinfo ENOTFOUND engine.invalid'),
      { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: 'engine.invalid' });
    expect(toCommandError(unknown)).toMatchObject({ code: 'host_unknown',
      message: expect.stringContaining('"engine.invalid" does not resolve') });
  });
});

describe('toCommandError of an error with a hint', () => {
  it('says what to do, as the Terraform diagnostic of the same error does', async () => {
    const { ProviderError } = await import('../../provider/errors.js');
    const missing = new ProviderError('file_unreadable', 'The provider bundle x is missing.',
      { hint: 'Run `npm run build` first.' });
    expect(toCommandError(missing)).toEqual({ code: 'file_unreadable',
      message: 'The provider bundle x is missing. Run `npm run build` first.' });
  });
});

describe('shellWord', () => {
  it.each([
    ['/tmp/p/hello-pack', '/tmp/p/hello-pack'],
    ['/tmp/p/Bad Name', "'/tmp/p/Bad Name'"],
    ["it's", "'it'\\''s'"],
    ['$HOME', "'$HOME'"],
  ])('%s as %s', (text, word) => {
    expect(shellWord(text)).toBe(word);
  });
});

describe('a failure with issues, printed for people', () => {
  /** What reportFailure writes on stderr for `err`; the exit code it set is put back. */
  function printed(err: unknown): string {
    let text = '';
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      text += String(chunk);
      return true;
    });
    const exitCode = process.exitCode;
    try {
      reportFailure(err, false);
    } finally {
      write.mockRestore();
      process.exitCode = exitCode;
    }
    return text;
  }

  const issues = [
    { file: 'cordum.deployment.yaml', path: '/spec/handlers/0', message: 'needs exactly one' },
    { file: 'cordum.deployment.yaml', path: '/spec/handlers/1/topics', message: 'must be array' },
  ];

  it('lists the problems the message does not already name', () => {
    const err = Object.assign(new Error('x'), { code: 'deployment_invalid', issues,
      message: 'cordum.deployment.yaml: /spec/handlers/0: needs exactly one (and 1 more)' });
    expect(printed(err)).toBe('error[deployment_invalid]: cordum.deployment.yaml: ' +
      '/spec/handlers/0: needs exactly one (and 1 more)\n' +
      '  cordum.deployment.yaml: /spec/handlers/1/topics: must be array\n');
  });

  it('lists every problem under a message that names none', () => {
    const err = Object.assign(new Error('x'), { code: 'validation_failed', issues,
      message: '.: 2 problem(s) found' });
    expect(printed(err)).toBe('error[validation_failed]: .: 2 problem(s) found\n' +
      '  cordum.deployment.yaml: /spec/handlers/0: needs exactly one\n' +
      '  cordum.deployment.yaml: /spec/handlers/1/topics: must be array\n');
  });
});
