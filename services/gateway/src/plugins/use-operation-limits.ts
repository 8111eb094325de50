import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { ErrorCode } from '@antq/sdk';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { OperationLimits } from '../limits.js';

type LimitName = 'depth' | 'aliases' | 'tokens' | 'cost' | 'directives';

/**
 * graphql-armor enforces the limits; we only turn its rejections into typed errors that say
 * which limit was hit, its value, and what to do.
 */
function rejectAs(limit: LimitName, max: number) {
  return [
    (context: ValidationContext | null, error: GraphQLError) => {
      const typed = new GraphQLError(`${error.message.replace(/^Syntax Error: /, '')} Split the operation into smaller ones, or ask for fewer fields.`, {
        extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit, max },
      });
      if (context) context.reportError(typed);
      else throw typed;
    },
  ];
}

/** The envelop plugin that enforces depth, aliases, tokens, cost and directives. */
export function useOperationLimits(limits: OperationLimits) {
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, propagateOnRejection: false, onReject: rejectAs('depth', limits.maxDepth) },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: rejectAs('aliases', limits.maxAliases) },
    maxTokens: { n: limits.maxTokens, propagateOnRejection: false, onReject: rejectAs('tokens', limits.maxTokens) },
    costLimit: { maxCost: limits.maxCost, propagateOnRejection: false, onReject: rejectAs('cost', limits.maxCost) },
    maxDirectives: { n: limits.maxDirectives, propagateOnRejection: false, onReject: rejectAs('directives', limits.maxDirectives) },
    blockFieldSuggestion: { enabled: true },
  });
}
