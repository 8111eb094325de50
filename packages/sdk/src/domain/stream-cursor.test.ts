import { describe, expect, it } from 'vitest';
import { AntqError, ErrorCode } from '../errors.js';
import { decodeStreamCursor, encodeStreamCursor, readStreamCursor } from './stream-cursor.js';

describe('stream cursors', () => {
  it('round-trip a position, whatever order its agencies come in', () => {
    const cursor = encodeStreamCursor({ youth: 3, police: 120, front: 0 });
    expect(cursor).toBe(encodeStreamCursor({ front: 0, police: 120, youth: 3 }));
    expect(decodeStreamCursor(cursor)).toEqual({ front: 0, police: 120, youth: 3 });
  });

  it('hand out one frozen position per cursor read again, which no caller can change', () => {
    const cursor = encodeStreamCursor({ police: 7, veterans: 2 });
    const first = decodeStreamCursor(cursor);
    expect(decodeStreamCursor(cursor)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => ((first as Record<string, number>).police = 8)).toThrow(TypeError);
    expect(decodeStreamCursor(cursor)).toEqual({ police: 7, veterans: 2 });
  });

  it('keep reading right past the positions they remember', () => {
    const cursors = Array.from({ length: 3_000 }, (_, seq) => encodeStreamCursor({ police: seq }));
    for (const [seq, cursor] of cursors.entries()) expect(decodeStreamCursor(cursor)).toEqual({ police: seq });
    expect(decodeStreamCursor(cursors[0]!)).toEqual({ police: 0 });
  });

  it('carry the mark of the change each agency stands at (v2), and read v1 cursors as positions without marks', () => {
    const marked = encodeStreamCursor({ youth: 3, police: 120 }, { police: 'k2x9q1' });
    expect(atob(marked.replace(/-/g, '+').replace(/_/g, '/'))).toBe('v2|police:120~k2x9q1,youth:3');
    expect(readStreamCursor(marked)).toEqual({ position: { police: 120, youth: 3 }, marks: { police: 'k2x9q1' } });
    expect(decodeStreamCursor(marked)).toEqual({ police: 120, youth: 3 });
    // Without marks the cursor stays v1, which every earlier version of the SDK reads.
    const plain = encodeStreamCursor({ police: 120 });
    expect(atob(plain)).toBe('v1|police:120');
    expect(readStreamCursor(plain)).toEqual({ position: { police: 120 }, marks: {} });
  });

  it('refuse anything that is not a cursor, every time it is asked, as BAD_USER_INPUT on `after`', () => {
    for (const bad of [
      '',
      'not a cursor!',
      btoa('v3|police:1'),
      btoa('v1|coastguard:1'),
      btoa('v1|police:-1'),
      btoa('v1|police:'),
      btoa('v1|police:4~k2'),
      btoa('v2|police:4~K2!'),
      btoa('v2|police:~k2'),
    ]) {
      for (let attempt = 0; attempt < 2; attempt++) {
        let thrown: unknown;
        try {
          decodeStreamCursor(bad);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(AntqError);
        expect((thrown as AntqError).code).toBe(ErrorCode.BAD_USER_INPUT);
      }
    }
  });
});
