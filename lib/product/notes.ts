// The sample feature: notes shared by the people of one organization (app/(app)/(product)/notes).
// Copy its shape for your own features: every function takes the gate's TenantAccess, every query
// carries `...tenantScope(access)`, input is checked here as well as in the server action (so an
// API route calling these functions cannot skip it), and each change writes its audit event in the
// same transaction. The audit detail names the note, never its text: notes are the customer's data.
import { z } from "zod";
import type { Database } from "../db/client";
import type { TenantAccess } from "../tenants/gate";
import { recordUsage } from "../marketplace/metering";
import { tenantScope } from "./scope";

export const NOTE_LIMITS = { title: 120, body: 2000 } as const;

/** A new note, as a person writes it: a title, and an optional body. */
export const noteInput = z.object({
  title: z.string().trim().min(1).max(NOTE_LIMITS.title),
  body: z.string().trim().max(NOTE_LIMITS.body).default(""),
});
export type NoteInput = z.input<typeof noteInput>;

export type NoteRefusal = "invalid" | "not-found" | "not-author";

export class NoteChangeRefused extends Error {
  constructor(readonly reason: NoteRefusal) {
    super(`Note change refused: ${reason}`);
    this.name = "NoteChangeRefused";
  }
}

/** Who may delete a note: its author, or an admin of the organization. */
export function mayDeleteNote(access: TenantAccess, note: { authorId: string | null }): boolean {
  return access.user.role === "ADMIN" || (note.authorId !== null && note.authorId === access.userId);
}

const actor = (access: TenantAccess) => `user:${access.tenantId}/${access.oid}`;

/** The organization's notes, newest first, with their author's name (null once they are deleted). */
export async function listNotes(prisma: Database, access: TenantAccess, take = 100) {
  const notes = await prisma.note.findMany({
    where: tenantScope(access),
    select: {
      id: true,
      title: true,
      body: true,
      createdAt: true,
      authorId: true,
      author: { select: { displayName: true, email: true } },
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
  });
  return notes.map(({ author, ...note }) => ({
    ...note,
    authorName: author ? (author.displayName ?? author.email) : null,
    mine: note.authorId === access.userId,
    mayDelete: mayDeleteNote(access, note),
  }));
}

/** Adds a note written by the person of `access`; its id. */
export async function addNote(prisma: Database, access: TenantAccess, input: NoteInput): Promise<string> {
  const parsed = noteInput.safeParse(input);
  if (!parsed.success) throw new NoteChangeRefused("invalid");
  return prisma.$transaction(async (tx) => {
    const note = await tx.note.create({
      data: { ...tenantScope(access), authorId: access.userId, ...parsed.data },
      select: { id: true },
    });
    await tx.auditEvent.create({
      data: { ...tenantScope(access), actor: actor(access), type: "note.added", detail: { noteId: note.id } },
    });
    // Metered billing, as your product would do it: one unit of the "notes" dimension, in the same
    // transaction as the note (a plan that does not meter notes records nothing).
    await recordUsage(tx, access, "notes", 1);
    return note.id;
  });
}

/**
 * Deletes a note of the organization, if the person of `access` wrote it or is an admin. The rule
 * is part of the delete's `where`, so the check and the change are one statement. Another
 * organization's note is "not-found", as if it did not exist: its id reveals nothing.
 */
export async function deleteNote(prisma: Database, access: TenantAccess, noteId: string): Promise<void> {
  if (!z.uuid().safeParse(noteId).success) throw new NoteChangeRefused("not-found");
  const note = { id: noteId, ...tenantScope(access) };
  // The role was read with this request's session (lib/tenants/gate.ts), not sent by the browser.
  const allowed = access.user.role === "ADMIN" ? note : { ...note, authorId: access.userId };
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.note.deleteMany({ where: allowed });
    if (count === 0) {
      throw new NoteChangeRefused((await tx.note.count({ where: note })) > 0 ? "not-author" : "not-found");
    }
    await tx.auditEvent.create({
      data: { ...tenantScope(access), actor: actor(access), type: "note.deleted", detail: { noteId } },
    });
  });
}
