import { signal } from './store.js';

/** Hash routes (`#/area/28159`), so the static build works behind any server without rewrites. */
export type View = 'area' | 'trends' | 'province' | 'changes';
export interface Route {
  readonly view: View;
  readonly code?: string;
}

function parse(): Route {
  const [, view, code] = location.hash.replace(/^#/, '').split('/');
  const known: View[] = ['area', 'trends', 'province', 'changes'];
  return { view: known.includes(view as View) ? (view as View) : 'area', ...(code ? { code: decodeURIComponent(code) } : {}) };
}

export const route = signal<Route>(parse());
addEventListener('hashchange', () => route.set(parse()));

export const hrefOf = (view: View, code?: string): string => `#/${view}${code ? `/${encodeURIComponent(code)}` : ''}`;
export function go(view: View, code?: string): void {
  location.hash = hrefOf(view, code);
}
