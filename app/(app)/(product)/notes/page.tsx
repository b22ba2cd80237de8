// app/(app)/(product)/ is where your product goes: add your features' folders beside notes/. The
// folder is inside (app), so each page gets the workspace's shell and navigation, and the layout
// asks the gate before anything renders. Ask it again where data is read (requireTenantAccess),
// and read and write through lib/product/ functions that take the TenantAccess it returns.
// Notes is the sample: delete it (with its model and lib/product/notes.ts) when you have your own.
import type { Metadata } from "next";
import { brand } from "@/lib/brand";
import { db } from "@/lib/db/client";
import { listNotes, NOTE_LIMITS } from "@/lib/product/notes";
import { requireTenantAccess } from "@/lib/tenants/access";
import { organizationName } from "@/lib/tenants/gate";
import { When } from "../../when";
import { addNoteAction, deleteNoteAction } from "./actions";
import { formatCount } from "@/lib/format";

export const metadata: Metadata = { title: "Notes" };

const SHOWN = 100;

/** What the page says after a change; only these codes, whatever the URL carries. */
const OUTCOMES: Record<string, string> = {
  added: "Your note is added.",
  deleted: "The note is deleted.",
  invalid: `That note could not be saved: it needs a title of up to ${NOTE_LIMITS.title} characters, and its text can be up to ${formatCount(NOTE_LIMITS.body)} characters.`,
  "not-found": "That note is not among your organization's notes: someone may have deleted it already.",
  "not-author": "Only the person who wrote a note, or one of your organization's admins, can delete it.",
};

function authorOf(note: { mine: boolean; authorId: string | null; authorName: string | null }): string {
  if (note.mine) return "You";
  return note.authorName ?? (note.authorId ? "A colleague" : "A former member");
}

export default async function NotesPage({
  searchParams,
}: {
  searchParams: Promise<{ done?: string; error?: string }>;
}) {
  const access = await requireTenantAccess();
  const notes = await listNotes(await db(), access, SHOWN);
  const { done = "", error = "" } = await searchParams;
  const outcome = [done, error].find((code) => Object.hasOwn(OUTCOMES, code));
  const organization = organizationName(access);
  const field = "mt-1 w-full rounded border border-slate-300 bg-white px-3 py-2";

  return (
    <div className="space-y-8">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold text-brand-dark">Notes</h1>
        <p className="text-slate-700">
          Notes are shared with everyone in {organization} who uses {brand.productName}.
        </p>
      </div>
      {outcome ? (
        <p
          role="status"
          className={`rounded border px-4 py-2 ${outcome === error ? "border-amber-400 bg-amber-50" : "border-brand/30 bg-brand/5"}`}
        >
          {OUTCOMES[outcome]}
        </p>
      ) : null}

      <section aria-labelledby="add-note" className="space-y-2">
        <h2 id="add-note" className="text-xl font-semibold">
          Add a note
        </h2>
        <form action={addNoteAction} className="space-y-4 rounded border border-slate-200 bg-white p-4">
          <div>
            <label htmlFor="note-title" className="block text-sm font-medium text-slate-600">
              Title
            </label>
            <input
              id="note-title"
              name="title"
              required
              maxLength={NOTE_LIMITS.title}
              aria-describedby="note-title-hint"
              className={field}
            />
            <p id="note-title-hint" className="mt-1 text-xs text-slate-500">
              Required, up to {NOTE_LIMITS.title} characters.
            </p>
          </div>
          <div>
            <label htmlFor="note-body" className="block text-sm font-medium text-slate-600">
              Text
            </label>
            <textarea
              id="note-body"
              name="body"
              rows={4}
              maxLength={NOTE_LIMITS.body}
              aria-describedby="note-body-hint"
              className={field}
            />
            <p id="note-body-hint" className="mt-1 text-xs text-slate-500">
              Optional, up to {formatCount(NOTE_LIMITS.body)} characters.
            </p>
          </div>
          <button
            type="submit"
            className="rounded bg-brand px-4 py-2 text-sm font-medium text-white hover:bg-brand-dark"
          >
            Add note
          </button>
        </form>
      </section>

      <section aria-labelledby="notes-list" className="space-y-2">
        <h2 id="notes-list" className="text-xl font-semibold">
          Your organization&apos;s notes
        </h2>
        {notes.length === 0 ? (
          <p className="rounded border border-dashed border-slate-300 bg-white p-4 text-slate-600">
            No notes yet. Write down what your colleagues should know: everyone in {organization} who signs in to{" "}
            {brand.productName} sees the notes here, newest first.
          </p>
        ) : (
          /* One form for the list, each Delete button naming its note: a form per note made the
             page 50 forms (and 50 server-action fields) for one choice (README, "Speed"). */
          <form action={deleteNoteAction}>
            <ul className="space-y-3">
              {notes.map((note) => (
                <li key={note.id} className="rounded border border-slate-200 bg-white p-4">
                  <div className="flex flex-wrap items-start justify-between gap-2">
                    <h3 className="min-w-0 font-semibold break-words">{note.title}</h3>
                    {note.mayDelete ? (
                      <button
                        type="submit"
                        name="noteId"
                        value={note.id}
                        aria-label={`Delete the note "${note.title}"`}
                        className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100"
                      >
                        Delete
                      </button>
                    ) : null}
                  </div>
                  {note.body ? (
                    <p className="mt-1 text-sm break-words whitespace-pre-wrap text-slate-700">{note.body}</p>
                  ) : null}
                  <p className="mt-2 text-xs text-slate-500">
                    {authorOf(note)} · <When iso={note.createdAt.toISOString()} />
                  </p>
                </li>
              ))}
            </ul>
          </form>
        )}
        {notes.length === SHOWN ? <p className="text-sm text-slate-500">Showing the latest {SHOWN} notes.</p> : null}
      </section>
    </div>
  );
}
