/** Comparing answers: every target must answer alike, and a cached answer like a fresh read. */

export interface GraphQLAnswer {
  readonly data?: unknown;
  readonly errors?: { message: string }[];
}

/** POSTs a GraphQL body with a caller's bearer token. */
export async function post(url: string, body: string, token: string): Promise<{ status: number; json: GraphQLAnswer }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  return { status: response.status, json: (await response.json()) as GraphQLAnswer };
}

/** Stable text of a result (object keys sorted), for comparing targets. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Where two results first differ (a path and both values), or undefined when they are alike. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (canonical(a) === canonical(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  return `${path || '.'}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`;
}
