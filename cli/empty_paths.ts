/**
 * A path given as empty text (`--key "$UNSET"`, `pack init ''`) is a usage
 * error naming the flag or argument. Left to the command, '' resolved to
 * the current folder (`pack init ''` scaffolded into it, `provider install
 * --dir ''` installed there) or failed as a file with no name ("key :
 * cannot be read"), naming nothing the user could fix.
 */
import type { Command } from 'commander';

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

/** Refuses, before the command runs, a blank path in any flag or argument that takes one. */
export function refuseBlankPaths(program: Command): void {
  program.hook('preAction', (_program, action) => {
    const found = blankPath(action);
    if (found === undefined) return;
    // commander's own messages start `error: `; the entry point rewrites it.
    action.error(`error: ${found.name} must name a file or folder, not "${found.text}"`,
      { code: 'commander.invalidArgument' });
  });
}
