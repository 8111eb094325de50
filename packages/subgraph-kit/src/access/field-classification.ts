import { AntqError, ErrorCode, clearanceScopes, ownerOfPolicy, type Agency } from '@antq/sdk';
import { defaultFieldResolver, isObjectType, valueFromASTUntyped, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { Caller } from '../identity/index.js';
import type { AreaScopes } from '../records/area-scope.js';
import { isActiveGrant, type AccessGrant } from './access-grants.js';

/** What the check needs of a request's context. */
export interface ClassifiedContext {
  readonly caller: Caller | undefined;
  readonly scopes: AreaScopes;
  /** The grants now in force for the caller's agency, loaded once per request. */
  readonly accessGrants: () => Promise<readonly AccessGrant[]>;
}

interface FieldRule {
  readonly authenticated: boolean;
  /** OR of AND groups, as in the directive. */
  readonly scopes?: readonly (readonly string[])[];
  readonly policies?: readonly (readonly string[])[];
}

function ruleOf(directives: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: never }[] }[]): FieldRule | undefined {
  let rule: { authenticated: boolean; scopes?: string[][]; policies?: string[][] } | undefined;
  for (const directive of directives) {
    const name = directive.name.value;
    if (name !== 'authenticated' && name !== 'requiresScopes' && name !== 'policy') continue;
    rule ??= { authenticated: false };
    if (name === 'authenticated') rule.authenticated = true;
    const argument = directive.arguments?.[0];
    if (argument && name === 'requiresScopes') rule.scopes = valueFromASTUntyped(argument.value) as string[][];
    if (argument && name === 'policy') rule.policies = valueFromASTUntyped(argument.value) as string[][];
  }
  return rule;
}

/** The area a restricted read is about: the record's or view's area, else the filter's (or a subscription's `area`); none for "everywhere". */
function areaOfRead(parent: unknown, args: Record<string, unknown>): string | undefined {
  const fromParent = (parent as { areaCode?: unknown } | null)?.areaCode;
  if (typeof fromParent === 'string') return fromParent;
  const filter = args.filter as { area?: unknown } | undefined;
  if (typeof filter?.area === 'string') return filter.area;
  return typeof args.area === 'string' ? args.area : undefined;
}

async function policyAllows(policy: string, caller: Caller, context: ClassifiedContext, area: string | undefined): Promise<boolean> {
  const owner: Agency | undefined = ownerOfPolicy(policy);
  if (!owner) return false;
  if (caller.agency === owner) return true;
  const now = new Date();
  // A grant counts when it covers the area read: a national grant covers everything.
  return (await context.accessGrants()).some(
    (grant) => grant.grantee === caller.agency && isActiveGrant(grant, now) && (grant.areaCode === null || (area !== undefined && context.scopes.covers(grant.areaCode, area))),
  );
}

async function check(rule: FieldRule, coordinate: string, context: ClassifiedContext, parent: unknown, args: Record<string, unknown>): Promise<void> {
  const { caller } = context;
  if (!caller) {
    throw new AntqError(ErrorCode.UNAUTHENTICATED, `${coordinate} needs a signed-in caller. Send a bearer token with the request.`, { details: { field: coordinate } });
  }
  if (rule.scopes?.length) {
    const held = clearanceScopes(caller.clearance);
    if (!rule.scopes.some((group) => group.every((scope) => held.includes(scope)))) {
      const needed = rule.scopes.map((group) => group.join(' and ')).join(' or ');
      throw new AntqError(ErrorCode.FORBIDDEN, `${coordinate} is classified ${needed}; the caller's clearance is ${caller.clearance}.`, {
        details: { field: coordinate, classification: needed, clearance: caller.clearance },
      });
    }
  }
  if (rule.policies?.length) {
    const area = areaOfRead(parent, args);
    for (const group of rule.policies) {
      let all = true;
      for (const policy of group) if (!(await policyAllows(policy, caller, context, area))) all = false;
      if (all) return;
    }
    const owners = rule.policies.flat().map((policy) => ownerOfPolicy(policy) ?? policy);
    throw new AntqError(
      ErrorCode.FORBIDDEN,
      `${coordinate} is restricted to the ${owners.join(', ')}${area ? ` for area ${area}` : ''}. Ask the owning agency for a data-sharing grant covering ${area ? 'this area' : 'the area you read (pass filter: { area })'}.`,
      { details: { field: coordinate, owners, ...(area ? { areaCode: area } : {}) } },
    );
  }
}

/**
 * Enforces the classification the SDL declares (`@authenticated`, `@requiresScopes`, `@policy`)
 * in the subgraph too, so a field withheld at the gateway stays withheld if a request reaches
 * the subgraph another way, and grants are checked against the record's own area.
 */
export function enforceFieldClassification(schema: GraphQLSchema): number {
  let guarded = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const rule = ruleOf((field.astNode?.directives ?? []) as never);
      if (!rule) continue;
      const coordinate = `${type.name}.${field.name}`;
      const resolve: GraphQLFieldResolver<unknown, ClassifiedContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = async (parent, args, context, info) => {
        await check(rule, coordinate, context, parent, args);
        return resolve(parent, args, context, info);
      };
      // A subscription field is checked when it starts too, before its source stream opens;
      // `resolve` above still checks every event it sends.
      const subscribe: GraphQLFieldResolver<unknown, ClassifiedContext> | undefined = field.subscribe;
      if (subscribe) {
        field.subscribe = async (source, args, context, info) => {
          await check(rule, coordinate, context, source, args);
          return subscribe(source, args, context, info);
        };
      }
      guarded++;
    }
  }
  return guarded;
}
