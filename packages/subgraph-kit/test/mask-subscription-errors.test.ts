import { buildSchema, type GraphQLFieldResolver } from 'graphql';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { maskSubscriptionErrors } from '../src/server/mask-subscription-errors.js';

/** A schema whose one subscription's source fails on its first event as `fail` says. */
function failingSubscription(fail: 'throws' | 'rejects') {
  const schema = buildSchema('type Query { ok: Boolean } type Subscription { ticks: Int }');
  const source: AsyncIterableIterator<unknown> = {
    [Symbol.asyncIterator]: () => source,
    next: () => {
      if (fail === 'throws') throw new Error('secret broker password');
      return Promise.reject(new Error('secret broker password'));
    },
  };
  schema.getSubscriptionType()!.getFields().ticks!.subscribe = () => source;
  const logged: unknown[] = [];
  maskSubscriptionErrors(schema, { error: (entry: unknown) => logged.push(entry) } as unknown as FastifyBaseLogger);
  const subscribe = schema.getSubscriptionType()!.getFields().ticks!.subscribe as GraphQLFieldResolver<unknown, unknown>;
  return { subscribe: async () => (await subscribe(undefined, {}, {}, undefined as never)) as AsyncIterator<unknown>, logged };
}

describe("the kit's mask of a subscription source's errors", () => {
  for (const fail of ['rejects', 'throws'] as const) {
    it(`masks a source whose next() ${fail}: INTERNAL_SERVER_ERROR without the message, logged`, async () => {
      const { subscribe, logged } = failingSubscription(fail);
      const events = await subscribe();
      const failure = await events.next().then(
        () => undefined,
        (error: unknown) => error as { message: string; extensions: Record<string, unknown> },
      );
      expect(failure?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(failure?.message).not.toContain('secret broker password');
      expect(logged).toHaveLength(1);
    });
  }
});
