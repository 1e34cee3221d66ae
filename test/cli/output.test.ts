/**
 * cli/output.ts turns Node's file-system errors into codes of ours: a file
 * that cannot be read is `file_missing` (as docs/troubleshooting.md says),
 * one that cannot be written `file_unwritable`. Root reads every file, so a
 * refused `open` is probed through the injected `isUnreadable`.
 */
import { describe, expect, it } from 'vitest';
import { shellWord, toCommandError } from '../../cli/output.js';

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
