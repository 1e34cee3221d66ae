import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // End-to-end suites start real processes; two cores, so keep it modest.
    maxWorkers: 2,
    env: { CHECKPOINT_DISABLE: '1' },
  },
});
