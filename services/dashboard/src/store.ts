import { useEffect, useState } from 'preact/hooks';

/** A value views can follow: the few pieces of state the whole page shares (language, token, area). */
export interface Signal<T> {
  get(): T;
  set(value: T): void;
  subscribe(listener: () => void): () => void;
}

export function signal<T>(initial: T): Signal<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Re-renders the component when the signal changes. */
export function useSignal<T>(source: Signal<T>): T {
  const [, setTick] = useState(0);
  useEffect(() => source.subscribe(() => setTick((tick) => tick + 1)), [source]);
  return source.get();
}
