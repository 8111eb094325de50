import type { FastifyRequest } from 'fastify';

/** The most of an oversized upload read and thrown away so that its client can read the 413. */
const DISCARD_LIMIT_BYTES = 32 * 1024 * 1024;

/**
 * Answers an oversized request once its upload has ended, reading the rest of the body and
 * throwing it away: a server that answers mid-upload and closes leaves the client a reset
 * socket (EPIPE, ECONNRESET) instead of the 413. Beyond DISCARD_LIMIT_BYTES (declared or read)
 * the answer goes at once and the connection is cut, as for any abusive client.
 */
export function discardUpload(request: FastifyRequest, maxBodyBytes: number, answer: () => unknown): void {
  const body = request.raw;
  const limit = Math.max(DISCARD_LIMIT_BYTES, maxBodyBytes * 4);
  const declared = Number(request.headers['content-length'] ?? 0);
  if (body.readableEnded || declared > limit) {
    void answer();
    return;
  }
  let read = 0;
  const done = () => {
    body.off('data', count);
    body.off('end', done);
    body.off('error', done);
    void answer();
  };
  const count = (chunk: Buffer) => {
    read += chunk.length;
    if (read > limit) {
      done();
      body.destroy();
    }
  };
  body.on('data', count);
  body.once('end', done);
  body.once('error', done);
  body.resume();
}
