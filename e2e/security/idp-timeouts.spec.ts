import { expect, test } from "@playwright/test";
import { startAppServer, type AppServer } from "../support/app-server";
import { attemptSignIn, expectRefused, OUTAGE_STAGES, outageControls } from "../support/idp-outages";

// ../shared/SECURITY.md "The sign-in flow": no request to the identity provider may hold a
// sign-in forever. Each of Entra's documents (and its token endpoint) in turn does not answer in
// time: the app gives up at its own deadline, says so in its log, and ends the sign-in on its error
// page, creating nothing. (Broken answers: idp-faults.spec.ts.)
const PORT = 3540;
/**
 * Short deadlines, so that the tests wait little (Auth.js's requests 6 s, the app's own 3 s),
 * yet far above what the local emulator needs to answer on a busy machine.
 */
const ENTRA_TIMEOUT_MS = 6_000;
const LOOKUP_TIMEOUT_MS = ENTRA_TIMEOUT_MS / 2;
/** The provider's answer comes this late: giving up well before it shows the app did not wait. */
const ANSWER_AFTER_MS = 60_000;
/** The sign-in around the wait (pages, the account picker, the callback), generous on a busy machine. */
const SLACK_MS = 20_000;

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

const slowTargets = [
  ...OUTAGE_STAGES.map((stage) => ({ ...stage, kind: `${stage.target}-slow` })),
  {
    kind: "token-slow",
    skip: 0,
    where: "the token endpoint (Auth.js)",
    reachesMicrosoft: true,
    ownKeyLookup: false,
    path: "/common/oauth2/v2.0/token",
  },
];

for (const target of slowTargets) {
  test(`gives up when ${target.where} does not answer in time, at its deadline (${target.kind}, skip ${target.skip})`, async ({
    browser,
  }) => {
    const served = (await outage.stats()).faultyResponses;
    const logged = outage.logFromNow();
    const asked = await outage.control("misbehave", { kind: target.kind, skip: target.skip, delayMs: ANSWER_AFTER_MS });
    expect(asked.status).toBe(200);
    const started = Date.now();
    const { page, reachedMicrosoft } = await attemptSignIn(browser, app.url);
    await expectRefused(app, page);
    const elapsed = Date.now() - started;
    expect(reachedMicrosoft).toBe(target.reachesMicrosoft);
    if (!target.kind.startsWith("token")) expect((await outage.stats()).faultyResponses).toBe(served + 1);

    // Which timer fired: the app's own deadline for that request, named in its log.
    const deadline = target.ownKeyLookup ? LOOKUP_TIMEOUT_MS : ENTRA_TIMEOUT_MS;
    if (target.ownKeyLookup) {
      await expect
        .poll(logged)
        .toMatch(new RegExp(`ID token refused \\(key-set-unavailable\\): .*no answer within ${deadline} ms`));
    } else {
      await expect
        .poll(logged)
        .toMatch(
          new RegExp(
            `\\[auth\\] Microsoft Entra ID gave no answer within ${deadline} ms: https://[^ ]+${target.path.replace(/\./g, "\\.")}`,
          ),
        );
    }
    // It waited for the provider, then gave up, long before the provider would have answered.
    expect(elapsed).toBeGreaterThanOrEqual(deadline);
    expect(elapsed).toBeLessThan(2 * deadline + SLACK_MS);
    expect(2 * deadline + SLACK_MS).toBeLessThan(ANSWER_AFTER_MS);
    expect(logged()).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+/); // no token in the logs
  });
}
