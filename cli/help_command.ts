/**
 * `cordum help engine runs list`: the help of the command the words name,
 * at any depth, as `cordum engine runs list --help` shows it. commander's
 * own help command reads one word only (the rest were dropped and the
 * group's help shown), and an unknown word printed the group's help with
 * "missing command" instead of naming the word.
 */
import type { Command } from 'commander';

/** Replaces the help command of `group` and of every group under it. */
export function addPathHelp(group: Command): void {
  const groups = group.commands.filter((command) => command.commands.length > 0);
  if (group.commands.length === 0) return;

  group.helpCommand(false);
  group
    .command('help [command...]')
    .description('display help for command')
    .action((words: string[]) => {
      let target: Command = group;
      for (const word of words) {
        const next = target.commands.find((c) => c.name() === word || c.aliases().includes(word));
        if (next === undefined) {
          // commander's own messages start `error: `; the entry point rewrites it.
          target.error(`error: unknown command '${word}'`, { code: 'commander.unknownCommand' });
        }
        target = next;
      }
      target.help();
    });
  for (const sub of groups) addPathHelp(sub);
}
