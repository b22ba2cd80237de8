"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { addNote, deleteNote, NoteChangeRefused, noteInput } from "@/lib/product/notes";
import { requireTenantAccess } from "@/lib/tenants/access";

// Each action: the gate first, then the input's schema, then lib/, then a redirect carrying an
// outcome code the page turns into its own words (never the input: nothing typed is echoed back).

/** Someone in the organization adds a note. */
export async function addNoteAction(form: FormData): Promise<void> {
  const access = await requireTenantAccess();
  const parsed = noteInput.safeParse({ title: form.get("title"), body: form.get("body") ?? "" });
  if (!parsed.success) redirect("/notes?error=invalid");
  try {
    await addNote(await db(), access, parsed.data);
  } catch (error) {
    if (error instanceof NoteChangeRefused) redirect(`/notes?error=${error.reason}`);
    throw error;
  }
  redirect("/notes?done=added");
}

const deletion = z.object({ noteId: z.uuid() });

/** The author of a note, or an admin, deletes it. Who may is checked in lib/product/notes.ts. */
export async function deleteNoteAction(form: FormData): Promise<void> {
  const access = await requireTenantAccess();
  const parsed = deletion.safeParse({ noteId: form.get("noteId") });
  // Not an id of any note: the same answer as another organization's note.
  if (!parsed.success) redirect("/notes?error=not-found");
  try {
    await deleteNote(await db(), access, parsed.data.noteId);
  } catch (error) {
    if (error instanceof NoteChangeRefused) redirect(`/notes?error=${error.reason}`);
    throw error;
  }
  redirect("/notes?done=deleted");
}
