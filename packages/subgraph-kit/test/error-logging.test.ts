import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { postSignedGraphQL } from '@antq/testing';
import { startTinySubgraph } from './fixtures/tiny-subgraph.js';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly code?: string;
  readonly path?: string | string[];
  readonly err?: { stack?: string };
}

/** A subgraph's pino output, line by line, through a destination stream. */
function capturedLog(): { logger: pino.Logger; lines: () => LogLine[]; raw: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const raw = () => chunks.join('');
  return {
    logger: pino({ level: 'debug' }, destination),
    raw,
    lines: () =>
      raw()
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as LogLine),
  };
}

const INFO = 30;
const ERROR = 50;

describe('what a subgraph logs of the errors it answers', () => {
  it('puts each client error on one info line with its code and field, and a server fault as an error with its stack', async () => {
    const { logger, lines, raw } = capturedLog();
    await using subgraph = await startTinySubgraph({ logger });
    const detail = randomUUID();
    const ask = (query: string, variables?: Record<string, unknown>) =>
      postSignedGraphQL(subgraph.url, { query, ...(variables ? { variables } : {}), signingKey: subgraph.signingKey, audience: 'police' });

    const forbidden = await ask('query ($detail: String!) { fail(kind: "forbidden", detail: $detail) }', { detail });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badInput = await ask('query ($detail: String!) { fail(kind: "badUserInput", detail: $detail) }', { detail });
    expect(badInput.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badVariable = await ask('query ($amount: Vnd!) { echoAmount(amount: $amount) }', { amount: 'lots' });
    expect(badVariable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const fault = await ask('{ unexpected }');
    expect(fault.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');

    const errorLines = lines().filter((line) => line.code !== undefined || line.level >= ERROR);
    expect(errorLines.map(({ level, code, path }) => ({ level, code, path: Array.isArray(path) ? path.join('.') : path }))).toEqual([
      { level: INFO, code: 'FORBIDDEN', path: 'fail' },
      { level: INFO, code: 'BAD_USER_INPUT', path: 'fail' },
      { level: INFO, code: 'BAD_USER_INPUT', path: undefined },
      { level: ERROR, code: undefined, path: 'unexpected' },
    ]);
    expect(errorLines[0]!.msg).toBe(`FORBIDDEN: Writing needs the role editor (${detail}).`);
    for (const line of errorLines.slice(0, 3)) expect(line.err).toBeUndefined();
    // One JSON line each: no stack, no multi-line block for what the caller got wrong.
    expect(
      raw()
        .split('\n')
        .filter((line) => line.includes(detail)),
    ).toHaveLength(2);
    expect(errorLines[3]!.err?.stack).toContain('secret db password');
  });
});
