import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { databaseTargets, migratedDatabase } from "@/test/databases";
import { accessOf } from "@/test/sessions";
import { learnOrganizationAtSignIn } from "./organization";
import {
  organizationSettingsInput,
  readOrganizationSettings,
  saveOrganizationSettings,
  SettingsRefused,
} from "./settings";
import { admitUser } from "./trial";

describe.each(databaseTargets)("the organization's settings on $name", (target) => {
  const db = migratedDatabase(target);
  const trial = { days: 30, mode: "customer" as const };
  const input = {
    displayName: "Contoso Ltd",
    contactName: "Megan Bowen",
    contactEmail: "megan@contoso.com",
    contactPhone: "+1 425 555 0100",
  };

  async function organization() {
    const tid = randomUUID();
    const first = await admitUser(
      db.prisma,
      { tid, oid: randomUUID(), name: "Megan", email: "megan@contoso.com" },
      trial,
    );
    const second = await admitUser(db.prisma, { tid, oid: randomUUID(), name: "Alex" }, trial);
    return {
      tid,
      admin: await accessOf(db.prisma, first.userId, tid),
      member: await accessOf(db.prisma, second.userId, tid),
    };
  }

  it("proposes the contact from the viewer's own account until one is saved", async () => {
    const { admin } = await organization();
    expect(await readOrganizationSettings(db.prisma, admin)).toMatchObject({
      contactName: "Megan",
      contactEmail: "megan@contoso.com",
      contactPhone: "",
      contactOnFile: false,
    });
  });

  it("lets an admin save them, with an audit event that names the fields, not their values", async () => {
    const { tid, admin, member } = await organization();
    expect(await saveOrganizationSettings(db.prisma, admin, input)).toEqual({
      changed: ["displayName", "contactName", "contactEmail", "contactPhone"],
    });
    expect(await readOrganizationSettings(db.prisma, member)).toMatchObject({ ...input, contactOnFile: true });
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: tid, type: "tenant.settings_changed" },
    });
    expect(event.detail).toEqual({ changed: ["displayName", "contactName", "contactEmail", "contactPhone"] });
    expect(JSON.stringify(event.detail)).not.toContain("megan@contoso.com");
    // Saving the same again changes nothing and writes no event.
    expect(await saveOrganizationSettings(db.prisma, admin, input)).toEqual({ changed: [] });
    expect(await db.prisma.auditEvent.count({ where: { tenantId: tid, type: "tenant.settings_changed" } })).toBe(1);
  });

  it("refuses a member, whatever the browser sends, and writes nothing", async () => {
    const { tid, member } = await organization();
    await expect(saveOrganizationSettings(db.prisma, member, input)).rejects.toBeInstanceOf(SettingsRefused);
    const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } });
    expect(tenant.contactPhone).toBeNull();
    expect(tenant.displayName).not.toBe("Contoso Ltd");
  });

  it("refuses an admin who was demoted after their session began", async () => {
    const { admin } = await organization();
    await db.prisma.user.update({ where: { id: admin.userId }, data: { role: "MEMBER" } });
    await expect(saveOrganizationSettings(db.prisma, admin, input)).rejects.toBeInstanceOf(SettingsRefused);
  });

  it("keeps a corrected name: Microsoft Graph no longer overwrites it", async () => {
    const { tid, admin } = await organization();
    await saveOrganizationSettings(db.prisma, admin, input);
    await learnOrganizationAtSignIn(db.prisma, tid, { email: "someone@fabrikam.com" });
    expect(await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).toMatchObject({
      displayName: "Contoso Ltd",
    });
  });

  it("touches its own tenant only", async () => {
    const one = await organization();
    const other = await organization();
    const before = await db.prisma.tenant.findUniqueOrThrow({ where: { id: other.tid } });
    await saveOrganizationSettings(db.prisma, one.admin, input);
    expect(await db.prisma.tenant.findUniqueOrThrow({ where: { id: other.tid } })).toEqual(before);
  });
});

describe("the settings' input", () => {
  const valid = { displayName: "Contoso", contactName: "Megan", contactEmail: "megan@contoso.com", contactPhone: "" };
  it.each([
    [{ displayName: "  " }, "displayName", "Enter your organization's name."],
    [{ displayName: "x".repeat(101) }, "displayName", "Use at most 100 characters."],
    [{ contactEmail: "not an address" }, "contactEmail", "Enter an e-mail address such as name@contoso.com."],
    [{ contactPhone: "call 555" }, "contactPhone", "Enter a phone number such as +1 425 555 0100, or leave it empty."],
    [{ contactPhone: "12" }, "contactPhone", "Enter a phone number such as +1 425 555 0100, or leave it empty."],
  ])("refuses %o with our own words", (change, field, message) => {
    const result = organizationSettingsInput.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: [field], message });
  });

  it("accepts an empty phone and trims what it keeps", () => {
    expect(organizationSettingsInput.parse({ ...valid, displayName: "  Contoso  " }).displayName).toBe("Contoso");
  });
});
