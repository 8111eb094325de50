import { AntqError, ErrorCode } from '../errors.js';
import { isAgencyCode } from '../catalogues/agencies.js';
import type { Agency } from './types.js';

/** Where a change-stream reader stands in each agency's sequence: the last seq it has seen. */
export type StreamPosition = Readonly<Partial<Record<Agency, number>>>;

const toBase64Url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromBase64Url = (text: string) => atob(text.replace(/-/g, '+').replace(/_/g, '/'));

/**
 * Con trỏ dòng thay đổi — the opaque cursor of the change stream: the reader's position in every
 * agency's sequence at once, so one string resumes all four agencies, each in its own order.
 */
export function encodeStreamCursor(position: StreamPosition): string {
  const parts = (Object.keys(position) as Agency[]).sort().map((agency) => `${agency}:${position[agency]}`);
  return toBase64Url(`v1|${parts.join(',')}`);
}

/**
 * Cursors read lately, frozen: every subscriber of a change stream is handed the same few cursors
 * (one per change, mostly), and the gateway reads each one it passes on.
 */
const recentlyDecoded = new Map<string, StreamPosition>();
const RECENTLY_DECODED_MAX = 1_024;

/** Reads a cursor; anything else is BAD_USER_INPUT naming the `after` argument. */
export function decodeStreamCursor(cursor: string): StreamPosition {
  const known = recentlyDecoded.get(cursor);
  if (known) return known;
  const position = Object.freeze(parseStreamCursor(cursor));
  if (recentlyDecoded.size >= RECENTLY_DECODED_MAX) recentlyDecoded.clear();
  recentlyDecoded.set(cursor, position);
  return position;
}

function parseStreamCursor(cursor: string): StreamPosition {
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
  if (version !== 'v1') throw refuse('unknown format');
  const position: Partial<Record<Agency, number>> = {};
  for (const part of body.split(',').filter(Boolean)) {
    const [agency, seq] = part.split(':');
    const value = Number(seq);
    if (!isAgencyCode(agency) || !Number.isSafeInteger(value) || value < 0) throw refuse(`bad part "${part}"`);
    position[agency] = value;
  }
  return position;
}
