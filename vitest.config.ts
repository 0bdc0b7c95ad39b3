import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Each test file that needs PostgreSQL creates its own database; two cores, so keep parallelism modest.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
