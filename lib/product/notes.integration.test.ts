import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { databaseTargets, migratedDatabase } from "@/test/databases";
import { accessOf } from "@/test/sessions";
import { admitUser } from "../tenants/trial";
import { addNote, deleteNote, listNotes, NOTE_LIMITS, NoteChangeRefused } from "./notes";

describe.each(databaseTargets)("the sample notes on $name", (target) => {
  const db = migratedDatabase(target);
  const settings = { days: 30, mode: "customer" as const };

  /** An organization: its first person (an admin) and two members. */
  async function organization() {
    const tid = randomUUID();
    const people = [];
    for (const name of ["Adele", "Alex", "Megan"]) {
      const { userId } = await admitUser(db.prisma, { tid, oid: randomUUID(), name }, settings);
      people.push(await accessOf(db.prisma, userId, tid));
    }
    const [admin, member, colleague] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    return { tid, admin, member, colleague };
  }

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => "done",
      (error: unknown) => (error instanceof NoteChangeRefused ? error.reason : String(error)),
    );

  const noteEvents = (tenantId: string) =>
    db.prisma.auditEvent.findMany({
      where: { tenantId, type: { startsWith: "note." } },
      orderBy: { occurredAt: "asc" },
    });

  it("lists the organization's notes newest first, with their author", async () => {
    const { admin, member } = await organization();
    expect(admin.user.role).toBe("ADMIN");
    expect(member.user.role).toBe("MEMBER");
    await addNote(db.prisma, admin, { title: "First", body: "Hello" });
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later created_at (milliseconds)
    await addNote(db.prisma, member, { title: "  Second  " });
    const notes = await listNotes(db.prisma, member);
    expect(notes.map((note) => [note.title, note.body, note.authorName, note.mine, note.mayDelete])).toEqual([
      ["Second", "", "Alex", true, true],
      ["First", "Hello", "Adele", false, false],
    ]);
    expect((await listNotes(db.prisma, admin)).map((note) => note.mayDelete)).toEqual([true, true]);
  });

  it("keeps one organization's notes from another", async () => {
    const a = await organization();
    const b = await organization();
    const noteId = await addNote(db.prisma, a.member, { title: "Only for A", body: "secret" });
    expect(await listNotes(db.prisma, b.admin)).toEqual([]);
    // B's admin, who may delete any of B's notes, cannot delete A's by its id.
    expect(await refusal(deleteNote(db.prisma, b.admin, noteId))).toBe("not-found");
    expect(await refusal(deleteNote(db.prisma, b.member, noteId))).toBe("not-found");
    expect(await db.prisma.note.count({ where: { id: noteId } })).toBe(1);
    expect(await noteEvents(b.tid)).toEqual([]);
  });

  it("lets the author or an admin delete a note, and no other member", async () => {
    const { tid, admin, member, colleague } = await organization();
    const byMember = await addNote(db.prisma, member, { title: "Alex's" });
    const byAdmin = await addNote(db.prisma, admin, { title: "Adele's" });
    expect(await refusal(deleteNote(db.prisma, colleague, byMember))).toBe("not-author");
    expect(await refusal(deleteNote(db.prisma, member, byAdmin))).toBe("not-author");
    expect(await db.prisma.note.count({ where: { tenantId: tid } })).toBe(2);

    await deleteNote(db.prisma, admin, byMember);
    await deleteNote(db.prisma, admin, byAdmin);
    expect(await db.prisma.note.count({ where: { tenantId: tid } })).toBe(0);
    expect(await refusal(deleteNote(db.prisma, admin, byMember))).toBe("not-found");

    const own = await addNote(db.prisma, colleague, { title: "Megan's" });
    await deleteNote(db.prisma, colleague, own);
    expect(await listNotes(db.prisma, colleague)).toEqual([]);
    expect(await refusal(deleteNote(db.prisma, colleague, "not-a-uuid"))).toBe("not-found");
  });

  it("refuses a note without a title or over the limits, and saves one at the limits", async () => {
    const { tid, member } = await organization();
    for (const input of [
      { title: "" },
      { title: "   " },
      { title: "x".repeat(NOTE_LIMITS.title + 1) },
      { title: "Fine", body: "x".repeat(NOTE_LIMITS.body + 1) },
      { title: 42 as unknown as string },
    ]) {
      expect(await refusal(addNote(db.prisma, member, input)), JSON.stringify(input).slice(0, 40)).toBe("invalid");
    }
    expect(await db.prisma.note.count({ where: { tenantId: tid } })).toBe(0);
    expect(await noteEvents(tid)).toEqual([]);
    await addNote(db.prisma, member, { title: "x".repeat(NOTE_LIMITS.title), body: "y".repeat(NOTE_LIMITS.body) });
    expect(await db.prisma.note.count({ where: { tenantId: tid } })).toBe(1);
  });

  it("writes an audit event for each change, naming the note and never its text", async () => {
    const { tid, admin, member } = await organization();
    const noteId = await addNote(db.prisma, member, { title: "Quarterly numbers", body: "Revenue is up" });
    await deleteNote(db.prisma, admin, noteId);
    const events = await noteEvents(tid);
    expect(events.map(({ type, actor, detail }) => ({ type, actor, detail }))).toEqual([
      { type: "note.added", actor: `user:${tid}/${member.oid}`, detail: { noteId } },
      { type: "note.deleted", actor: `user:${tid}/${admin.oid}`, detail: { noteId } },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/Quarterly|Revenue/);
  });

  it("keeps a note when its author leaves, shown without a name", async () => {
    const { admin, member } = await organization();
    await addNote(db.prisma, member, { title: "Left behind" });
    await db.prisma.user.delete({ where: { id: member.userId } });
    const [note] = await listNotes(db.prisma, admin);
    expect(note).toMatchObject({ title: "Left behind", authorId: null, authorName: null, mayDelete: true });
  });
});
