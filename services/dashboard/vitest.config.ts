import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

// Browser tests start a whole graph each: one file at a time, with time to start it.
export default mergeConfig(sharedConfig, defineConfig({ test: { include: ['test/**/*.test.ts'], fileParallelism: false, testTimeout: 120_000 } }));
