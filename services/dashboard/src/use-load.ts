import type { ClientGraphQLError } from '@antq/client';
import { useEffect, useState } from 'preact/hooks';

export interface Loaded<T> {
  readonly loading: boolean;
  readonly data: T | undefined;
  readonly errors: readonly ClientGraphQLError[];
}

/** Runs `load` when `deps` change; answers that arrive after a newer request are dropped. */
export function useLoad<T>(load: () => Promise<{ data: T | null; errors: readonly ClientGraphQLError[] }>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ loading: true, data: undefined, errors: [] });
  useEffect(() => {
    let live = true;
    setState({ loading: true, data: undefined, errors: [] });
    load().then(
      ({ data, errors }) => live && setState({ loading: false, data: data ?? undefined, errors }),
      (error: unknown) => live && setState({ loading: false, data: undefined, errors: [{ message: (error as Error).message, code: 'NETWORK_ERROR', extensions: {} }] }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return state;
}
