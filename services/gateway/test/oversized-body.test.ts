import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';

// A body over the limit is answered 413 with the typed error, which the client can read: the
// gateway reads the rest of the upload and throws it away instead of cutting the socket.

const supergraph = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');
const MAX_BODY = 64 * 1024;
let gateway: Gateway;

beforeAll(async () => {
  gateway = await createGateway({ supergraph, port: 0, signingKey: 'test-signing-key', identity: { disabled: true }, limits: { maxBodyBytes: MAX_BODY }, logLevel: false });
});

afterAll(async () => {
  await gateway?.close();
});

/** A JSON body of about `bytes` bytes: a query padded with a long comment. */
const paddedBody = (bytes: number) => JSON.stringify({ query: `{ __typename } #${'x'.repeat(bytes)}` });

function expectTooLarge(status: number, body: unknown) {
  expect(status).toBe(413);
  expect(body).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' }, message: expect.stringContaining(String(MAX_BODY)) }] });
}

/**
 * POSTs `total` bytes with http.request in `chunk`-byte writes, as a client streams an upload,
 * and resolves once the whole body went out and the whole answer came back; any socket error
 * (ECONNRESET, EPIPE) on the way fails it.
 */
function streamUpload(options: { total: number; chunk: number; chunked: boolean }): Promise<{ status: number; body: unknown; sent: number }> {
  const url = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (!options.chunked) headers['content-length'] = options.total;
    let answer: { status: number; body: unknown } | undefined;
    let uploaded = false;
    let sent = 0;
    const settle = () => {
      if (answer && uploaded) resolve({ ...answer, sent });
    };
    const upload = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (data: string) => (text += data));
      response.on('end', () => {
        answer = { status: response.statusCode ?? 0, body: JSON.parse(text) };
        settle();
      });
      response.on('error', reject);
    });
    upload.on('error', reject);
    upload.on('finish', () => {
      uploaded = true;
      settle();
    });
    const piece = Buffer.alloc(options.chunk, 'x');
    const write = () => {
      while (sent < options.total) {
        const size = Math.min(options.chunk, options.total - sent);
        sent += size;
        if (!upload.write(size === options.chunk ? piece : piece.subarray(0, size))) return void upload.once('drain', write);
      }
      upload.end();
    };
    write();
  });
}

describe('a request body over the limit', () => {
  it('is answered 413 with the typed error to fetch, for a 10 MB body', async () => {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: paddedBody(10 * 1024 * 1024) });
    expectTooLarge(response.status, await response.json());
  });

  it('is answered 413 to a client streaming 10 MB with a content-length', async () => {
    const answer = await streamUpload({ total: 10 * 1024 * 1024, chunk: 64 * 1024, chunked: false });
    expectTooLarge(answer.status, answer.body);
    expect(answer.sent).toBe(10 * 1024 * 1024);
  });

  it('is answered 413 to a client streaming 10 MB without a content-length', async () => {
    const answer = await streamUpload({ total: 10 * 1024 * 1024, chunk: 64 * 1024, chunked: true });
    expectTooLarge(answer.status, answer.body);
    expect(answer.sent).toBe(10 * 1024 * 1024);
  });

  it('is answered at once, without reading it, when the declared body is beyond what is worth discarding', async () => {
    const url = new URL(gateway.url);
    const status = await new Promise<number>((resolve, reject) => {
      const upload = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': 1024 ** 3 } },
        (response) => {
          resolve(response.statusCode ?? 0);
          upload.destroy();
        },
      );
      upload.on('error', reject);
      upload.flushHeaders();
    });
    expect(status).toBe(413);
  });

  it('leaves a body under the limit alone', async () => {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: paddedBody(MAX_BODY / 2) });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
