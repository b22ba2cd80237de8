// One lifecycle: no code but lib/tenants/lifecycle.ts writes a tenant's status, trial dates or
// consent marks. Read from the source, so a new write elsewhere fails here.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkTransition, TRANSITIONS } from "./lifecycle";

const ROOTS = ["app", "lib", "scripts", "proxy.ts"];
const isSource = (file: string) => /\.(ts|tsx)$/.test(file) && !/\.test\.ts$/.test(file) && !file.includes("generated");

function sources(root: string): string[] {
  if (isSource(root)) return [root];
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .map((file) => path.join(root, file))
    .filter(isSource);
}

describe("one lifecycle", () => {
  it("is the only code that writes tenant rows, but for the organization's display details", () => {
    const writers: string[] = [];
    for (const file of ROOTS.flatMap(sources)) {
      const text = readFileSync(file, "utf8");
      const prismaWrite = /\.tenant\.(create|createMany|update|updateMany|upsert|delete|deleteMany)\(/.test(text);
      const sqlWrite = /(UPDATE|INSERT INTO|DELETE FROM)\s+"?tenant"?\b/i.test(text);
      if (prismaWrite || sqlWrite) writers.push(file.split(path.sep).join("/"));
    }
    expect(writers.sort()).toEqual([
      "lib/tenants/lifecycle.ts",
      "lib/tenants/organization.ts",
      "lib/tenants/seats.ts",
      "lib/tenants/settings.ts",
    ]);
    // seats.ts writes the seat limit of a per-user plan, nothing else of the tenant.
    const seats = readFileSync("lib/tenants/seats.ts", "utf8");
    const seatWrites = [...seats.matchAll(/tx\.tenant\.update\(\{[^)]*data: \{([^}]*)\}/g)].map((match) =>
      match[1]!.trim(),
    );
    expect(seatWrites).toEqual(["seatLimit: limit"]);
    // organization.ts writes the name and domain read from Microsoft Graph, nothing else.
    const organization = readFileSync("lib/tenants/organization.ts", "utf8");
    const data = [...organization.matchAll(/data: \{([^}]*)\}/g)].map((match) => match[1]!.trim());
    expect(data).toEqual(["displayName: details.displayName, primaryDomain: details.defaultDomain"]);
    // settings.ts writes the name and the contact person an admin entered, nothing of the lifecycle.
    const settings = readFileSync("lib/tenants/settings.ts", "utf8");
    expect(settings).not.toMatch(/status|trial|consentType|consentRevoked|adminConsented|personal/i);
  });

  it("names, for every transition, where it may start and who may ask", () => {
    for (const [name, rule] of Object.entries(TRANSITIONS)) {
      expect(rule.from.length, name).toBeGreaterThan(0);
      expect(rule.by.length, name).toBeGreaterThan(0);
      expect(rule.event, name).toMatch(/^tenant\./);
    }
    expect(checkTransition("startTrialOnAdminConsent", "PENDING", "admin-sign-up", "partner")).toMatchObject({
      allowed: false,
    });
    expect(checkTransition("approveTrial", "PENDING", "admin-sign-up", "customer")).toMatchObject({ allowed: false });
    expect(checkTransition("activate", "SUSPENDED", "operator", "customer")).toMatchObject({ allowed: false });
  });
});
