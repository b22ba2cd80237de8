import { describe, expect, it, vi } from "vitest";
import { SettledCache } from "./settled-cache";

describe("SettledCache", () => {
  it("shares a fetch under way, then keeps the value, not the promise", async () => {
    const cache = new SettledCache<{ n: number }>({ max: 10 });
    let answer!: (value: { n: number }) => void;
    const fetch = vi.fn(() => new Promise<{ n: number }>((resolve) => (answer = resolve)));
    const first = cache.get("a", fetch);
    const second = cache.get("a", fetch);
    expect(second).toBe(first);
    expect(cache.size).toBe(0);
    answer({ n: 1 });
    await expect(first).resolves.toEqual({ n: 1 });
    await vi.waitFor(() => expect(cache.size).toBe(1));
    const third = cache.get("a", fetch);
    expect(third).not.toBe(first); // a new promise of this caller's, over the kept value
    await expect(third).resolves.toEqual({ n: 1 });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("keeps no failure: the next caller fetches again", async () => {
    const cache = new SettledCache<{ n: number }>({ max: 10 });
    const fetch = vi.fn().mockRejectedValueOnce(new Error("down")).mockResolvedValueOnce({ n: 2 });
    await expect(cache.get("a", fetch)).rejects.toThrow("down");
    await new Promise((resolve) => setImmediate(resolve));
    await expect(cache.get("a", fetch)).resolves.toEqual({ n: 2 });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("holds at most its bound, dropping the least recently used", async () => {
    const cache = new SettledCache<{ key: string }>({ max: 3 });
    for (const key of ["a", "b", "c", "d"]) await cache.get(key, async () => ({ key }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(cache.size).toBe(3);
    const fetch = vi.fn(async () => ({ key: "a" }));
    await cache.get("a", fetch);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
