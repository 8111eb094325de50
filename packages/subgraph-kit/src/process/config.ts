import { z } from 'zod';

/** A configuration the process cannot start with: every problem, each naming its variable. Thrown at boot, never a GraphQL error. */
export class ConfigError extends Error {
  readonly code = 'ANTQ_ERR_CONFIG';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/**
 * Reads a main's configuration from the environment with a zod schema of its variables, all
 * problems at once ("PORT: …"); throws ConfigError. Each main keeps its own schema, so what it
 * reads is written in one place.
 */
export function readConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
}

/** A port number, `fallback` when unset. */
export const envPort = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      const port = Number(value ?? fallback);
      if (Number.isInteger(port) && port >= 0 && port <= 65_535) return port;
      context.addIssue({ code: 'custom', message: `"${value}" is not a port number (0 to 65535).` });
      return z.NEVER;
    });

/** A switch: on by default unless set to "false", or off by default unless set to "true". */
export const envFlag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((value) => (fallback ? value !== 'false' : value === 'true'));

/** A pino log level, `info` when unset. */
export const envLogLevel = () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** A required secret or setting; `missing` says what to set. */
export const envRequired = (missing: string) => z.string({ error: missing }).min(1, { error: missing });
