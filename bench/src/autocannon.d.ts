/** The part of autocannon's API the load generator uses (the package ships no types). */
declare module 'autocannon' {
  namespace autocannon {
    interface Result {
      readonly requests: { readonly total: number; readonly average: number };
      readonly non2xx: number;
      readonly errors: number;
      readonly timeouts: number;
      readonly duration: number;
    }
    interface Instance {
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
      stop(): void;
    }
  }
  function autocannon(options: Record<string, unknown>, callback: (error: Error | null, result: autocannon.Result) => void): autocannon.Instance;
  export default autocannon;
}
