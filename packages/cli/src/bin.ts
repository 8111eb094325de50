#!/usr/bin/env node
import { runCli } from './program.js';

// A reader that stops early (`antq changes follow | head`) closes the pipe: that ends the run, quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await runCli(process.argv.slice(2));
