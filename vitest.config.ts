import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** Test files whose assertions are wall-clock bounds on the server's event loop. */
const TIMED = ['test/api/limits-deadline.test.ts'];

export default defineConfig({
  resolve: {
    // graphql 16 ships ESM and CJS builds; Node loads the CJS one for Apollo and Pothos, so the
    // tests must load that one too, or two copies of graphql meet in one schema.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Two cores: two test files at a time, each with its own databases.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'parallel', include: ['test/**/*.test.ts'], exclude: TIMED } },
      // Bounds on how long the event loop is held, in wall-clock ms: measured with no other test file
      // competing for the two cores (beside one, a 70 ms hold measured 230–460 ms), after the rest.
      { extends: true, test: { name: 'timed', include: TIMED, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
