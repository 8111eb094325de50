import type { GraphQLError, GraphQLSchema } from 'graphql';
import type { FastifyBaseLogger } from 'fastify';
import { toSafeGraphQLError } from '../errors.js';

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

function maskIterable(iterable: AsyncIterable<unknown>, mask: (error: unknown) => GraphQLError): AsyncIterableIterator<unknown> {
  const iterator = iterable[Symbol.asyncIterator]();
  const masking = (error: unknown): never => {
    throw mask(error);
  };
  const masked: AsyncIterableIterator<unknown> = {
    [Symbol.asyncIterator]() {
      return masked;
    },
    // One rejection handler per event, no async layer: every event of every subscriber passes here.
    next() {
      try {
        return iterator.next().then(undefined, masking);
      } catch (error) {
        // A source whose next() throws instead of rejecting is masked all the same.
        return Promise.reject(mask(error));
      }
    },
    async return(value?: unknown) {
      return iterator.return ? iterator.return(value) : { done: true, value };
    },
    async throw(error?: unknown) {
      if (iterator.throw) return iterator.throw(error);
      throw error;
    },
  };
  return masked;
}

/**
 * Mercurius sends an error raised while a subscription starts (its `subscribe` resolver) or while
 * its source stream runs straight to the client, without the error formatter. This wraps every
 * `Subscription` field's `subscribe` so such errors are masked like any other: deliberate errors
 * keep their code, anything else is logged and becomes INTERNAL_SERVER_ERROR. Mutates `schema`.
 */
export function maskSubscriptionErrors(schema: GraphQLSchema, log: FastifyBaseLogger): void {
  const subscriptionType = schema.getSubscriptionType();
  if (!subscriptionType) return;
  const mask = (error: unknown): GraphQLError =>
    toSafeGraphQLError(error, (original) => log.error({ err: original }, 'Unexpected error in a subscription, sent as INTERNAL_SERVER_ERROR'));
  for (const field of Object.values(subscriptionType.getFields())) {
    const subscribe = field.subscribe;
    if (!subscribe) continue;
    field.subscribe = async (source, args, context, info) => {
      let result: unknown;
      try {
        result = await subscribe(source, args, context, info);
      } catch (error) {
        throw mask(error);
      }
      return isAsyncIterable(result) ? maskIterable(result, mask) : result;
    };
  }
}
