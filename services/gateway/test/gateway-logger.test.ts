import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MemoryLogWriter } from '@graphql-hive/gateway-runtime';
import { createGatewayLogger } from '../src/gateway-logger.js';

/** What Yoga does with every error our mask rewrote: `logger.error(error)`. */
function logMasked(level: 'info' | 'error', error: GraphQLError): MemoryLogWriter['logs'] {
  const memory = new MemoryLogWriter();
  createGatewayLogger(level, memory).error(error);
  return memory.logs;
}

describe('the gateway log of errors sent to callers', () => {
  it('puts a client error of a subgraph on one info line: code, field, agency, message', () => {
    const id = randomUUID();
    const error = new GraphQLError(`Only the police grants access to its data (${id}).`, {
      path: ['grantPoliceAccess'],
      extensions: { code: 'NOT_OWNING_AGENCY', serviceName: 'police', owner: 'police' },
    });
    expect(logMasked('info', error)).toEqual([{ level: 'info', msg: `NOT_OWNING_AGENCY grantPoliceAccess (police): Only the police grants access to its data (${id}).` }]);
    for (const code of ['FORBIDDEN', 'BAD_USER_INPUT', 'UNKNOWN_AREA']) {
      const logs = logMasked('info', new GraphQLError(id, { extensions: { code } }));
      expect(logs).toHaveLength(1);
      expect(logs[0]!.msg).not.toContain('\n');
    }
  });

  it('prints nothing of client errors at the default level (error)', () => {
    expect(logMasked('error', new GraphQLError('no', { extensions: { code: 'FORBIDDEN', serviceName: 'police' } }))).toEqual([]);
  });

  it('keeps server faults as errors with everything the runtime logged', () => {
    const message = `upstream ${randomUUID()} did not answer`;
    for (const error of [new GraphQLError(message, { extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' } }), new GraphQLError(message)]) {
      const logs = logMasked('error', error);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({ level: 'error', attrs: expect.objectContaining({ message }) });
    }
  });
});
