import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { verifyWebhook } from '../src/index.js';

const secret = `whsec_${Buffer.from(randomUUID()).toString('base64')}`;

function deliver(body: string, at = new Date()) {
  const id = `msg_${randomUUID()}`;
  const signature = new Webhook(secret).sign(id, at, body);
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
}

describe('verifyWebhook', () => {
  it('accepts a genuine delivery, from a Headers object or a plain one, and returns its change', () => {
    const body = JSON.stringify({ agency: 'POLICE', seq: 7, recordId: randomUUID() });
    const headers = deliver(body);
    expect(verifyWebhook({ secret, headers, body })).toEqual(JSON.parse(body));
    expect(verifyWebhook({ secret, headers: new Headers(headers), body })).toEqual(JSON.parse(body));
  });

  it('refuses a tampered body, another secret, an old delivery and missing headers', () => {
    const body = JSON.stringify({ seq: 1 });
    const headers = deliver(body);
    expect(() => verifyWebhook({ secret, headers, body: JSON.stringify({ seq: 2 }) })).toThrow();
    expect(() => verifyWebhook({ secret: `whsec_${Buffer.from(randomUUID()).toString('base64')}`, headers, body })).toThrow();
    expect(() => verifyWebhook({ secret, headers: deliver(body, new Date(Date.now() - 3_600_000)), body })).toThrow();
    expect(() => verifyWebhook({ secret, headers: {}, body })).toThrow();
  });
});
