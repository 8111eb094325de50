/**
 * @antq/cli — the `antq` command line of ANTQ Graph. The package is mostly its bin; this entry
 * lets a program run it in-process and read its exit codes.
 */
export { createProgram, runCli } from './program.js';
export { ExitCode } from './context/exit-codes.js';
