import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // End-to-end suites start real processes; two cores, so keep it modest.
    maxWorkers: 2,
    // Test workers open PGlite again and again, and each new instance's WebAssembly was
    // being compiled a second time by V8's optimizing tier, on the cores the suites share:
    // the baseline compiler alone takes a sixth less CPU over the engine's storage suites.
    // The CLI does the same for its one-shot commands (cli/main.ts).
    execArgv: ['--liftoff-only'],
    env: { CHECKPOINT_DISABLE: '1' },
  },
});
