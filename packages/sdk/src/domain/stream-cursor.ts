import { AntqError, ErrorCode } from '../errors.js';
import { isAgencyCode } from '../catalogues/agencies.js';
import type { Agency } from './types.js';

/** Where a change-stream reader stands in each agency's sequence: the last seq it has seen. */
export type StreamPosition = Readonly<Partial<Record<Agency, number>>>;

/**
 * Dấu thay đổi — a short fingerprint of the change a reader last saw of each agency, beside its
 * seq. A seq alone cannot tell a position saved before an agency's store was restored from a
 * backup from one saved after, once the agency has numbered new changes past it; the mark can.
 * Opaque to the SDK: the stream computes it and checks it.
 */
export type StreamMarks = Readonly<Partial<Record<Agency, string>>>;

/** What a cursor holds: the position, and the marks of the changes it was taken after (none in a v1 cursor). */
export interface StreamCursor {
  readonly position: StreamPosition;
  readonly marks: StreamMarks;
}

const toBase64Url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromBase64Url = (text: string) => atob(text.replace(/-/g, '+').replace(/_/g, '/'));
const MARK = /^[0-9a-z]{1,16}$/;

/**
 * Con trỏ dòng thay đổi — the opaque cursor of the change stream: the reader's position in every
 * agency's sequence at once, so one string resumes all four agencies, each in its own order.
 * With marks (v2), each agency's seq carries the mark of the change it stands at; without, the
 * cursor is v1, as every version of the SDK reads it.
 */
export function encodeStreamCursor(position: StreamPosition, marks: StreamMarks = {}): string {
  let marked = false;
  const parts = (Object.keys(position) as Agency[]).sort().map((agency) => {
    const mark = marks[agency];
    if (mark === undefined) return `${agency}:${position[agency]}`;
    marked = true;
    return `${agency}:${position[agency]}~${mark}`;
  });
  return toBase64Url(`${marked ? 'v2' : 'v1'}|${parts.join(',')}`);
}

/**
 * Cursors read lately, frozen: every subscriber of a change stream is handed the same few cursors
 * (one per change, mostly), and the gateway reads each one it passes on.
 */
const recentlyRead = new Map<string, StreamCursor>();
const RECENTLY_READ_MAX = 1_024;

/** Reads a cursor, its marks too; anything else is BAD_USER_INPUT naming the `after` argument. */
export function readStreamCursor(cursor: string): StreamCursor {
  const known = recentlyRead.get(cursor);
  if (known) return known;
  const read = Object.freeze(parseStreamCursor(cursor));
  if (recentlyRead.size >= RECENTLY_READ_MAX) recentlyRead.clear();
  recentlyRead.set(cursor, read);
  return read;
}

/** Reads a cursor's position; anything else is BAD_USER_INPUT naming the `after` argument. */
export function decodeStreamCursor(cursor: string): StreamPosition {
  return readStreamCursor(cursor).position;
}

function parseStreamCursor(cursor: string): StreamCursor {
  const refuse = (why: string) =>
    new AntqError(ErrorCode.BAD_USER_INPUT, `"${cursor.slice(0, 80)}" is not a stream cursor (${why}). Pass the cursor of an event you received, or omit it to start from now.`, {
      issues: [{ path: 'after', message: 'expected a cursor from a StreamEvent' }],
    });
  let text: string;
  try {
    text = /^[A-Za-z0-9_-]*$/.test(cursor) ? fromBase64Url(cursor) : '';
  } catch {
    text = '';
  }
  const [version, body = ''] = text.split('|');
  if (version !== 'v1' && version !== 'v2') throw refuse('unknown format');
  const position: Partial<Record<Agency, number>> = {};
  const marks: Partial<Record<Agency, string>> = {};
  for (const part of body.split(',').filter(Boolean)) {
    const [agency, at = ''] = part.split(':');
    const [seq, mark] = version === 'v2' ? at.split('~') : [at];
    const value = Number(seq);
    if (!isAgencyCode(agency) || seq === '' || !Number.isSafeInteger(value) || value < 0) throw refuse(`bad part "${part}"`);
    if (mark !== undefined && !MARK.test(mark)) throw refuse(`bad mark in "${part}"`);
    position[agency] = value;
    if (mark !== undefined) marks[agency] = mark;
  }
  return { position: Object.freeze(position), marks: Object.freeze(marks) };
}
