import { expect, test } from "@playwright/test";
import { startAppServer, type AppServer } from "../support/app-server";
import { attemptSignIn, expectRefused, OUTAGE_STAGES, outageControls } from "../support/idp-outages";

// ../shared/SECURITY.md "The sign-in flow": the identity provider's discovery documents and key
// set answer with garbage during sign-in (the emulator's outages: 500, an HTML page) and the app
// ends the sign-in on its error page at once, creating nothing; the same server signs people in
// again as soon as the provider behaves, and takes a signing key rotated while it runs at once.
// (No answer in time: idp-timeouts.spec.ts.)
const PORT = 3520;
const CONTOSO = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";
/**
 * A long deadline for Entra's requests on this server: a broken answer refused "at once" is then
 * told apart from one given up by a timer, by the log and by a bound far from both.
 */
const ENTRA_TIMEOUT_MS = 40_000;

test.describe.configure({ mode: "serial" });

let app: AppServer;
let outage: ReturnType<typeof outageControls>;
test.beforeAll(async () => {
  app = await startAppServer(PORT, { env: { ENTRA_TIMEOUT_MS: String(ENTRA_TIMEOUT_MS) } });
  outage = outageControls(app);
});
test.afterEach(async () => {
  await outage.control("misbehave", { kind: "none" }); // the outage ends, whatever the test's outcome
});
test.afterAll(async () => {
  await app?.stop();
});

const answers = [
  ["500", "answers 500"],
  ["html", "answers an HTML page"],
] as const;

for (const stage of OUTAGE_STAGES) {
  for (const [answer, how] of answers) {
    const kind = `${stage.target}-${answer}`;
    test(`ends on the sign-in error page at once when ${stage.where} ${how} (${kind}, skip ${stage.skip})`, async ({
      browser,
    }) => {
      const served = (await outage.stats()).faultyResponses;
      const logged = outage.logFromNow();
      expect((await outage.control("misbehave", { kind, skip: stage.skip })).status).toBe(200);
      const started = Date.now();
      const { page, reachedMicrosoft } = await attemptSignIn(browser, app.url);
      await expectRefused(app, page);
      const elapsed = Date.now() - started;
      expect(reachedMicrosoft).toBe(stage.reachesMicrosoft);
      // The provider's own record: the broken document was asked for once, and answered.
      expect((await outage.stats()).faultyResponses).toBe(served + 1);
      // ...met where meant: by the app's own lookup of the ID token's keys, or before it (Auth.js).
      if (stage.ownKeyLookup) await expect.poll(logged).toContain("ID token refused (key-set-unavailable)");
      else expect(logged()).not.toContain("ID token refused");
      // Refused at the answer, not by a timer: no deadline fired, and far less time than one went by.
      expect(logged()).not.toMatch(/no answer within/);
      expect(elapsed).toBeLessThan(ENTRA_TIMEOUT_MS / 2);
      expect(logged()).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+/); // no token in the logs
    });
  }
}

test("once the provider behaves again, the same server signs Megan in: no failure was kept", async ({ browser }) => {
  const before = await outage.stats();
  const { page } = await attemptSignIn(browser, app.url);
  await expect(page).toHaveURL(`${app.url}/dashboard`, { timeout: 60_000 });
  expect(await app.prisma.tenant.count({ where: { id: CONTOSO } })).toBe(1);
  expect(await app.prisma.session.count()).toBe(1);
  const after = await outage.stats();
  expect(after.faultyResponses).toBe(before.faultyResponses);
  // Contoso's key set, which failed every time above, was fetched again rather than kept failed.
  expect(after.jwksRequests - before.jwksRequests).toBe(1);
});

test("a signing key rotated abruptly right after a sign-in: the next person signs in at once", async ({ browser }) => {
  // A new organization, so the first sign-in is the one that fetches its key set: the second
  // comes within the app's 30 s cooldown of that fetch, where jose alone would refuse a new kid.
  const tenant = (await outage.control("tenants", { displayName: "Tailspin Toys", domains: ["tailspintoys.com"] }))
    .json as { id: string };
  for (const [name, username] of [
    ["Terry Adams", "terry@tailspintoys.com"],
    ["Robin Counts", "robin@tailspintoys.com"],
  ]) {
    expect((await outage.control("users", { tenantId: tenant.id, name, username })).status).toBe(200);
  }
  const terry = await attemptSignIn(browser, app.url, /Terry Adams/);
  await expect(terry.page).toHaveURL(`${app.url}/dashboard`, { timeout: 60_000 });

  const rotated = await outage.control("keys/rotate", { graceMs: 0 }); // the old key leaves the key set now
  expect(rotated.status).toBe(200);
  const before = (await outage.stats()).jwksRequests;
  const logged = outage.logFromNow();
  const robin = await attemptSignIn(browser, app.url, /Robin Counts/);
  await expect(robin.page).toHaveURL(`${app.url}/dashboard`, { timeout: 60_000 });
  // The app fetched the set for the unknown key itself (jose, inside its cooldown, would not have).
  expect(logged()).toContain(`[auth] a signing key not in tenant ${tenant.id}'s key set: fetching the set again`);
  expect((await outage.stats()).jwksRequests - before).toBe(1); // the new key, fetched once
  expect(await app.prisma.user.count({ where: { tenantId: tenant.id } })).toBe(2);
});
