/**
 * The `cordum` entry point: it only routes. Each part registers its own
 * commands; their bodies load lazily so `cordum --help` stays fast.
 */
import { setFlagsFromString } from 'node:v8';
import { Command, Help } from 'commander';
import { registerPackCommands } from '../packs/cli.js';
import { registerRegistryCommands } from '../registry/cli.js';
import { registerEngineCommands } from '../engine/cli.js';
import { registerPolicyCommands } from '../engine/policy_cli.js';
import { registerProviderCommands } from '../provider/cli.js';
import { registerKeygenCommand } from '../packs/commands/keygen.js';
import { registerBundleCommands } from '../packs/commands/bundle.js';
import { addPathHelp } from './help_command.js';
import { endOnClosedPipe, ignoreClosedPipe } from './pipes.js';
import { refuseBadPaths } from './path_args.js';
import { reportFailure } from './output.js';
import { addExamples } from './examples.js';

endOnClosedPipe(process.stdout);
ignoreClosedPipe(process.stderr);

const program = new Command('cordum')
  .description('Cordum packs: build, sign, publish, install and run policy-gated workflows')
  .version('0.1.0')
  .showHelpAfterError()
  // commander's help does not say which flags a command cannot run without.
  .configureHelp({
    optionDescription: (option) => {
      const text = new Help().optionDescription(option);
      return option.mandatory ? `${text} (required)` : text;
    },
  })
  .configureOutput({
    writeErr: (s) => process.stderr.write(s),
    // Usage errors read like every other failure: `error[usage]: ...`.
    outputError: (s, write) => write(s.replace(/^error: /, 'error[usage]: ')),
  });

// commander copies this to commands registered after it: set it first. Its own usage
// errors exit 2, like other CLIs; help and version exit 0. With --json a usage error is
// also the JSON document every other failure prints, so scripts read one shape.
// A command group run without a command (`cordum pack`) gets its help on stderr and
// then the same kind of error line as any other usage error.
program.exitOverride((err) => {
  const noCommand = err.code === 'commander.help' && err.exitCode !== 0;
  if (noCommand) {
    process.stderr.write('error[usage]: missing command: pick one from the list above\n');
  }
  if (err.exitCode !== 0 && process.argv.includes('--json')) {
    const message = noCommand ? 'missing command' : err.message.replace(/^error: /, '');
    const error = { code: 'usage', message };
    process.stdout.write(`${JSON.stringify({ ok: false, error }, null, 2)}\n`);
  }
  process.exit(err.exitCode === 0 ? 0 : 2);
});

// A command that ends when its work is done runs PGlite's WebAssembly in V8's baseline
// compiler only: the optimizing tier would compile, on the second core, code that a
// command of a second or so barely runs (half the CPU, a quarter of the wall time, of
// `engine runs list` here). Servers keep both tiers, for long-run speed. V8 reads the
// flag when PGlite compiles its module, which is after this hook.
const LONG_RUNNING = new Set(['serve', 'daemon']);
program.hook('preAction', (_program, action) => {
  if (!LONG_RUNNING.has(action.name())) setFlagsFromString('--liftoff-only');
});

refuseBadPaths(program);

registerKeygenCommand(program);
registerPackCommands(program, {
  // The engine loads only when a pack declares workflow tests.
  runWorkflowTests: async (pack) =>
    (await import('../engine/pack_tests/run.js')).runWorkflowTests(pack),
});
registerRegistryCommands(program);
registerEngineCommands(program);
registerPolicyCommands(program);
registerProviderCommands(program);
registerBundleCommands(program);
addExamples(program);
addPathHelp(program);

// A check made before any command runs (path_args) throws the failure a command would report.
try {
  await program.parseAsync(process.argv);
} catch (err) {
  reportFailure(err, process.argv.includes('--json'));
}
