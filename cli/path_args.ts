/**
 * Paths on the command line, checked before a command runs; each refusal
 * names the flag or argument.
 *
 * - Empty text (`--key "$UNSET"`, `pack init ''`), a usage error: left to the command, ''
 *   resolved to the current folder (`pack init ''` scaffolded into it,
 *   `provider install --dir ''` installed there) or failed as a file with
 *   no name ("key : cannot be read").
 * - A file given to a flag that takes a folder (`--project`, `--data`,
 *   `--dir`), file_missing: `engine runs list --data FILE` answered "no runs yet", and
 *   `pack install --project FILE` failed on `FILE/cordum.lock.busy`.
 */
import { statSync } from 'node:fs';
import type { Command, Option } from 'commander';
import { PackError } from '../packs/errors.js';

/** Flag placeholders that name a file or folder (`--key <file>`, `--dir <dir>`). */
const PATH_PLACEHOLDERS = /<(file|dir|pub|pem|path|file\|name)>/;

/** Arguments that name a file or folder (`pack build <dir>`, `pack publish <tgz>`). */
const PATH_ARGUMENTS = new Set(['source', 'dir', 'tgz', 'archive', 'pub', 'file', 'name',
  'path']);

const blank = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() === '';

/** The first flag or argument of `command` that names a path and is blank, with its text. */
export function blankPath(command: Command): { name: string; text: string } | undefined {
  const given = command.opts<Record<string, unknown>>();
  for (const option of command.options) {
    if (!PATH_PLACEHOLDERS.test(option.flags)) continue;
    const value = given[option.attributeName()];
    // A repeatable flag (`--key <pub>`) holds a list.
    const text = (Array.isArray(value) ? value : [value]).find(blank);
    if (text !== undefined) return { name: option.long ?? option.flags, text };
  }
  for (const [i, arg] of command.registeredArguments.entries()) {
    const text: unknown = command.processedArgs[i];
    if (PATH_ARGUMENTS.has(arg.name()) && blank(text)) {
      return { name: arg.name().toUpperCase(), text: text as string };
    }
  }
  return undefined;
}

/** Whether `path` is there and is not a folder. */
function isFile(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The first flag of `command` that takes a folder (`<dir>`) and names a file, if any. */
export function fileForFolder(command: Command): { name: string; text: string } | undefined {
  const given = command.opts<Record<string, unknown>>();
  const folderFlags = command.options.filter((o: Option) => o.flags.endsWith('<dir>'));
  for (const option of folderFlags) {
    const value = given[option.attributeName()];
    if (typeof value === 'string' && isFile(value)) {
      return { name: option.long ?? option.flags, text: value };
    }
  }
  return undefined;
}

/** Refuses, before the command runs, a blank path or a file where a folder belongs. */
export function refuseBadPaths(program: Command): void {
  program.hook('preAction', (_program, action) => {
    // commander's own messages start `error: `; the entry point rewrites it.
    const empty = blankPath(action);
    if (empty !== undefined) {
      action.error(`error: ${empty.name} must name a file or folder, not "${empty.text}"`,
        { code: 'commander.invalidArgument' });
    }
    // As `registry fsck --data FILE` says it: the file's error (exit 1), not a usage one.
    const file = fileForFolder(action);
    if (file !== undefined) {
      throw new PackError('file_missing', `${file.name} ${file.text}: is a file, not a folder; ` +
        'give a folder');
    }
  });
}
