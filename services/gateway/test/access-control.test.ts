import { describe, expect, it } from 'vitest';
import { parseCallerClaims, restrictedPolicy, type Caller } from '@antq/sdk';
import type { GrantDirectory } from '@antq/subgraph-kit';
import { accessControlOptions, callerAccessKey } from '../src/access/access-control.js';

/*
 * Access control's walk and the key its verdict is kept under read a caller's policies once per
 * request: a grant revoked between the two must not let the walk's verdict (with the grant) be
 * kept under the key of a caller without it.
 */

function caller(claims: Record<string, unknown>): Caller {
  const parsed = parseCallerClaims({ sub: 'front:analyst', roles: ['analyst'], exp: Math.floor(Date.now() / 1000) + 3600, ...claims });
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.caller;
}

/** A directory whose police grant to the front is revoked or given by hand, counting its reads. */
function grantDirectory() {
  const state = { granted: true, reads: 0 };
  const directory: GrantDirectory = {
    grantsFor: async () => {
      state.reads += 1;
      return state.granted ? [{ owner: 'police', areaCode: '80' }] : [];
    },
    invalidate: () => undefined,
  };
  return { state, directory };
}

describe("a caller's policies, once per request", () => {
  const front = caller({ agency: 'front', clearance: 'restricted' });

  it('are the same for the walk and for the verdict key, even when the grant is revoked in between', async () => {
    const { state, directory } = grantDirectory();
    const { extractPolicies } = accessControlOptions(directory);
    const request = {};
    const walked = await extractPolicies(front, request);
    expect(walked).toContain(restrictedPolicy('police'));
    state.granted = false;
    expect(await callerAccessKey(front, request, directory)).toContain(restrictedPolicy('police'));
    expect(state.reads).toBe(1);
    // The next request reads the grants again, and its key says the grant is gone.
    const next = {};
    expect(await callerAccessKey(front, next, directory)).not.toContain(restrictedPolicy('police'));
    expect(await extractPolicies(front, next)).toEqual([restrictedPolicy('front')]);
    expect(state.reads).toBe(2);
  });

  it('tell kinds of callers apart by clearance and policies, and the anonymous caller from all', async () => {
    const { directory } = grantDirectory();
    const keys = await Promise.all([
      callerAccessKey(front, {}, directory),
      callerAccessKey(caller({ agency: 'front', clearance: 'shared' }), {}, directory),
      callerAccessKey(caller({ agency: 'police', clearance: 'shared' }), {}, directory),
      callerAccessKey(undefined, {}, directory),
    ]);
    expect(new Set(keys).size).toBe(4);
  });
});
