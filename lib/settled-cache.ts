// A bounded cache of fetched values that keeps each value once it has come, never the promise
// that fetched it. In Node.js 20 a promise made while a request is served carries that request's
// context (its request, response and cookies): a cache of promises kept one finished request
// alive per entry, up to the cache's bound (npm run bench, "memory"). A fetch under way is shared
// by everyone who asks meanwhile; a failed one is not kept.
import { LRUCache } from "lru-cache";

export class SettledCache<V extends object> {
  private readonly values: LRUCache<string, V>;
  private readonly pending = new Map<string, Promise<V>>();

  constructor(options: { max: number; ttl?: number }) {
    this.values = new LRUCache<string, V>(options);
  }

  /** Values held now (fetches under way not counted). */
  get size(): number {
    return this.values.size;
  }

  get(key: string, fetch: () => Promise<V>): Promise<V> {
    const value = this.values.get(key);
    if (value !== undefined) return Promise.resolve(value);
    let fetching = this.pending.get(key);
    if (!fetching) {
      fetching = fetch();
      this.pending.set(key, fetching);
      const settled = fetching;
      settled.then(
        (fetched) => {
          if (this.pending.get(key) === settled) this.values.set(key, fetched);
        },
        () => undefined,
      );
      settled.then(
        () => this.pending.get(key) === settled && this.pending.delete(key),
        () => this.pending.get(key) === settled && this.pending.delete(key),
      );
    }
    return fetching;
  }

  delete(key: string): void {
    this.values.delete(key);
    this.pending.delete(key);
  }
}
