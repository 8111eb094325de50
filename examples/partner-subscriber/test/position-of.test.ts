import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeStreamCursor, encodeStreamCursor, type StreamPosition } from '@antq/sdk';
import { positionOf } from '../src/partner-subscriber.js';

// The example reads cursors without @antq/sdk (a partner cannot install it): its reading must agree with the SDK's.
describe('positionOf', () => {
  it('reads what the stream’s cursors encode, as the SDK does', () => {
    for (let round = 0; round < 50; round++) {
      const position: Partial<Record<'police' | 'front' | 'veterans' | 'youth', number>> = {};
      for (const agency of ['police', 'front', 'veterans', 'youth'] as const) if (randomInt(4) > 0) position[agency] = randomInt(0, 2 ** 40);
      const cursor = encodeStreamCursor(position as StreamPosition);
      expect(positionOf(cursor)).toEqual(decodeStreamCursor(cursor));
    }
  });

  it('reads anything else as no position, so nothing is skipped', () => {
    for (const cursor of [
      null,
      '',
      'not a cursor!',
      Buffer.from('v2|police:1').toString('base64url'),
      Buffer.from('v1|police:-1').toString('base64url'),
      Buffer.from('v1|POLICE:x').toString('base64url'),
    ]) {
      expect(positionOf(cursor)).toEqual({});
    }
  });
});
