/**
 * Mã thoát — the exit codes of `antq`, documented in the README. Scripts branch on them, so a
 * code keeps its meaning once shipped.
 */
export const ExitCode = {
  /** Done. */
  OK: 0,
  /** The graph answered with errors (the message says which), or something else failed. */
  FAILED: 1,
  /** The command line or its input is wrong: an unknown flag, area, indicator or period. */
  USAGE: 2,
  /** No graph answers at the URL (or it answered something that is not GraphQL). */
  UNREACHABLE: 3,
  /** No token, or the token is expired, of another graph, or unreadable. */
  UNAUTHENTICATED: 4,
  /** The token is good but may not do this: another role, clearance, jurisdiction or agency is needed. */
  FORBIDDEN: 5,
  /** An import found bad rows and wrote nothing. */
  INVALID_ROWS: 6,
  /** Stopped by Ctrl-C (SIGINT). */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
