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

/** Whether a policy lets the caller read: at once for the owner's own agency, else after reading its grants. */
function policyAllows(policy: string, caller: Caller, context: ClassifiedContext, area: string | undefined): boolean | Promise<boolean> {
  const owner: Agency | undefined = ownerOfPolicy(policy);
  if (!owner) return false;
  if (caller.agency === owner) return true;
  const now = new Date();
  // A grant counts when it covers the area read: a national grant covers everything.
  return context
    .accessGrants()
    .then((grants) =>
      grants.some(
        (grant) => grant.grantee === caller.agency && isActiveGrant(grant, now) && (grant.areaCode === null || (area !== undefined && context.scopes.covers(grant.areaCode, area))),
      ),
    );
}

/**
 * Throws when the rule does not let the caller read the field. Synchronous unless a grant has to
 * be read: every field it guards (each event of a subscription among them) would otherwise
 * resolve through a promise, and the whole selection under it with it.
 */
function check(rule: FieldRule, coordinate: string, context: ClassifiedContext, parent: unknown, args: Record<string, unknown>): void | Promise<void> {
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
  if (!rule.policies?.length) return undefined;
  const area = areaOfRead(parent, args);
  const allowed = rule.policies.map((group) => group.map((policy) => policyAllows(policy, caller, context, area)));
  const refuse = () => {
    const owners = rule.policies!.flat().map((policy) => ownerOfPolicy(policy) ?? policy);
    throw new AntqError(
      ErrorCode.FORBIDDEN,
      `${coordinate} is restricted to the ${owners.join(', ')}${area ? ` for area ${area}` : ''}. Ask the owning agency for a data-sharing grant covering ${area ? 'this area' : 'the area you read (pass filter: { area })'}.`,
      { details: { field: coordinate, owners, ...(area ? { areaCode: area } : {}) } },
    );
  };
  if (allowed.some((group) => group.every((each) => each === true))) return undefined;
  if (allowed.every((group) => group.every((each) => typeof each === 'boolean'))) return refuse();
  return Promise.all(allowed.map((group) => Promise.all(group))).then((groups) => {
    if (!groups.some((group) => group.every(Boolean))) refuse();
  });
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
      field.resolve = (parent, args, context, info) => {
        const pending = check(rule, coordinate, context, parent, args);
        return pending ? pending.then(() => resolve(parent, args, context, info)) : resolve(parent, args, context, info);
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
