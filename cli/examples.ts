/**
 * An "Examples:" section at the end of every command's help, as npm's and
 * Terraform's help ends. They tell one story: a pack `weather` made with
 * `pack init`, keys in `keys/`, a registry on its default port 7800 and an
 * engine on 8787. Those that need no server run as written, one after the
 * other, in an empty folder (test/cli/examples.test.ts runs them); RUN_ID
 * stands for the id `engine run` prints.
 */
import type { Command } from 'commander';

const REGISTRY = 'http://127.0.0.1:7800';

/** Example command lines, by command path. */
export const EXAMPLES: Record<string, string[]> = {
  'keygen': ['cordum keygen --out keys'],
  'pack init': [
    'cordum pack init weather --yes',
    'cordum pack init tools --id acme-tools --license MIT --yes',
  ],
  'pack validate': ['cordum pack validate weather', 'cordum pack validate weather --json'],
  'pack build': ['cordum pack build weather', 'cordum pack build weather --out dist/weather.tgz'],
  'pack sign': ['cordum pack sign weather-0.1.0.tgz --key keys/cordum.key'],
  'pack verify': [
    'cordum pack verify weather-0.1.0.tgz --key keys/cordum.pub',
    `cordum pack verify weather-0.1.0.tgz --key keys/cordum.pub --registry ${REGISTRY} ` +
      '--tree-head head.json',
  ],
  'pack test': ['cordum pack test weather', 'cordum pack test weather --junit reports/weather.xml'],
  'pack migrate': ['cordum pack migrate weather', 'cordum pack migrate weather --write'],
  'pack publish': [
    `cordum pack publish weather-0.1.0.tgz --registry ${REGISTRY}`,
    'cordum pack publish weather-0.1.0.tgz --to npm:https://npm.example.com ' +
      '--key keys/cordum.pub',
  ],
  'pack yank': [
    `cordum pack yank weather@0.1.0 --reason "the forecast schema is wrong" --registry ${REGISTRY}`,
    `cordum pack yank weather@0.1.0 --undo --registry ${REGISTRY}`,
  ],
  'pack install': [
    `cordum pack install weather@^0.1 --registry ${REGISTRY}`,
    `cordum pack install --registry ${REGISTRY}`,
  ],
  'registry serve': [
    'cordum registry serve --port 7800 --data .cordum/registry',
    'cordum registry serve --host 0.0.0.0 --public-url https://packs.example.com',
  ],
  'registry key add': [`cordum registry key add keys/cordum.pub --registry ${REGISTRY}`],
  'registry fsck': ['cordum registry fsck --data .cordum/registry --json'],
  'registry export': ['cordum registry export backup.tgz --data .cordum/registry'],
  'registry import': ['cordum registry import backup.tgz --data restored'],
  'registry audit export': [
    `cordum registry audit export --format csv --since 2027-01-01T00:00:00Z --out audit.csv ` +
      `--registry ${REGISTRY}`,
  ],
  'registry mirror': [
    `cordum registry mirror --from https://packs.example.com --registry ${REGISTRY} ` +
      '--pack weather',
  ],
  'engine run': [
    'cordum engine run weather.hello --input \'{"message":"hi"}\'',
    'cordum engine run weather.hello --input-file input.yaml --step',
  ],
  'engine approve': ['cordum engine approve RUN_ID deploy --note "release window"'],
  'engine reject': ['cordum engine reject RUN_ID deploy --reason "outside the window"'],
  'engine input': ['cordum engine input RUN_ID details --data \'{"ticket":"CHG-42"}\''],
  'engine cancel': ['cordum engine cancel RUN_ID'],
  'engine serve': [
    'cordum engine serve --port 8787',
    `cordum engine serve --registry ${REGISTRY} --deployment prod --keys keys`,
  ],
  'engine runs list': ['cordum engine runs list --limit 10'],
  'engine runs show': ['cordum engine runs show RUN_ID --json'],
  'policy lint': ['cordum policy lint weather', 'cordum policy lint'],
  'policy explain': [
    'cordum policy explain --candidate weather ' +
      '--request \'{"tenantId":"default","topic":"job.weather.hello","packId":"weather"}\'',
  ],
  'policy simulate': ['cordum policy simulate --candidate weather'],
  'policy history': ['cordum policy history --engine http://127.0.0.1:8787'],
  'policy rollback': ['cordum policy rollback 3'],
  'provider install': ['cordum provider install --dir infra', 'cordum provider install --global'],
  'provider daemon': [
    'cordum provider daemon --idle-timeout 30m',
    'cordum provider daemon --stop',
  ],
  'bundle create': [
    `cordum bundle create weather@^0.1 --out weather-bundle.json --registry ${REGISTRY}`,
  ],
  'bundle install': ['cordum bundle install weather-bundle.json --key keys/cordum.pub'],
};

/** The path of `command` under the program: `engine runs list`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Adds its examples to the help of every command under `group` that has some. */
export function addExamples(group: Command): void {
  for (const command of group.commands) {
    const lines = EXAMPLES[commandPath(command)];
    if (lines) {
      command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}`);
    }
    addExamples(command);
  }
}
