// List subscriptions (./paging.ts): following @nextLink at the configured base URL, and its bounds.
import { describe, expect, it } from "vitest";
import { MarketplaceResponseInvalid } from "./errors";
import {
  BASE,
  SUBSCRIPTION,
  subscriptionBody,
  json,
  clientWith,
  failureOf,
  expectStandardRequest,
} from "./test-support";

describe("listSubscriptions", () => {
  it("follows @nextLink's continuation token, always at the configured base URL", async () => {
    const continuation = '[{"token":"+RID:~YeUDAIahsn22AAAAAAAAAA==#RT:1","range":{"min":"","max":"05C1C9CD673398"}}]';
    // Microsoft's documented example, stray "https:// " included, and a host that is not ours.
    const nextLink = `https:// https://elsewhere.example/api/saas/subscriptions/?continuationToken=${encodeURIComponent(continuation)}&api-version=2018-08-31`;
    const { client, sent } = clientWith([
      json(200, {
        subscriptions: [subscriptionBody(), subscriptionBody({ id: "00000000-0000-4000-8000-000000000001" })],
        "@nextLink": nextLink,
      }),
      json(200, { subscriptions: [subscriptionBody({ id: "00000000-0000-4000-8000-000000000002" })], "@nextLink": "" }),
    ]);
    const ids: string[] = [];
    for await (const subscription of client.listSubscriptions()) ids.push(subscription.id);

    expect(ids).toEqual([SUBSCRIPTION, "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"]);
    expectStandardRequest(sent[0], "GET", "/saas/subscriptions");
    expect(sent[0]!.url.searchParams.has("continuationToken")).toBe(false);
    expectStandardRequest(sent[1], "GET", "/saas/subscriptions");
    expect(sent[1]!.url.searchParams.get("continuationToken")).toBe(continuation);
    expect(sent[1]!.headers.get("x-ms-correlationid")).toBe(sent[0]!.headers.get("x-ms-correlationid"));
    expect(sent[1]!.headers.get("x-ms-requestid")).not.toBe(sent[0]!.headers.get("x-ms-requestid"));
  });

  it("reads an empty body as no subscriptions", async () => {
    const { client } = clientWith([new Response("", { status: 200 })]);
    const all = [];
    for await (const subscription of client.listSubscriptions()) all.push(subscription);
    expect(all).toEqual([]);
  });

  it("stops on a link that loops, and past maxPages", async () => {
    const page = (token: string) =>
      json(200, {
        subscriptions: [],
        "@nextLink": `${BASE}/saas/subscriptions?continuationToken=${token}&api-version=2018-08-31`,
      });

    const looping = clientWith([page("a"), page("b"), page("a")]);
    const loopError = await failureOf(
      (async () => {
        for await (const subscription of looping.client.listSubscriptions()) void subscription;
      })(),
    );
    expect(loopError).toBeInstanceOf(MarketplaceResponseInvalid);
    expect(looping.sent).toHaveLength(3);

    const endless = clientWith([page("1"), page("2"), page("3")], { maxPages: 2 });
    const boundError = (await failureOf(
      (async () => {
        for await (const subscription of endless.client.listSubscriptions()) void subscription;
      })(),
    )) as MarketplaceResponseInvalid;
    expect(boundError.issues[0]).toContain("more than 2 pages");
    expect(endless.sent).toHaveLength(2);
  });
});
