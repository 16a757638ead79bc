import { defineConfig } from 'vitest/config';

// Two tiers: unit (pure + embedded adapters, no external services) and integration
// (real PostgreSQL, Redis, rsyslog and child processes on loopback).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.real-vault.test.ts', 'node_modules/**', 'data/**'],
          testTimeout: 20_000,
        },
      },
      {
        // Against a real HashiCorp Vault (npm run test:vault); none exists where CI runs.
        test: {
          name: 'vault',
          include: ['**/*.real-vault.test.ts'],
          exclude: ['node_modules/**', 'data/**'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', 'data/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
