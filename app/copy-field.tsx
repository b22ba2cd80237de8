"use client";
// A read-only text to hand on (a link, a message to send) with a button that copies it. The
// server renders the field alone; the button appears in a browser that has a clipboard (the
// Clipboard API needs a secure context: https, or localhost). If the browser refuses the copy,
// the text is selected for the person to copy themselves.
import { useId, useRef, useState, useSyncExternalStore } from "react";

const noSubscription = () => () => undefined;
const field = "w-full rounded border border-slate-300 bg-white px-3 py-2 text-sm";

export function CopyField({
  label,
  value,
  copyLabel,
  rows,
}: {
  label: string;
  value: string;
  /** The button's text, naming what it copies ("Copy link"). */
  copyLabel: string;
  /** A text area of this many rows; a one-line input without it. */
  rows?: number;
}) {
  const id = useId();
  const text = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [outcome, setOutcome] = useState<"" | "copied" | "select">("");
  const canCopy = useSyncExternalStore(
    noSubscription,
    () => typeof navigator.clipboard?.writeText === "function",
    () => false,
  );

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setOutcome("copied");
    } catch {
      text.current?.select();
      setOutcome("select");
    }
  }

  return (
    <div className="space-y-1">
      <label className="block text-sm font-medium text-slate-600" htmlFor={id}>
        {label}
      </label>
      <div className="flex items-start gap-2">
        {rows ? (
          <textarea id={id} ref={text} readOnly rows={rows} value={value} className={field} />
        ) : (
          <input id={id} ref={text} readOnly value={value} className={`${field} font-mono`} />
        )}
        {canCopy ? (
          <button
            type="button"
            onClick={copy}
            className="shrink-0 rounded border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-100"
          >
            {copyLabel}
          </button>
        ) : null}
      </div>
      <p role="status" className="min-h-5 text-sm text-slate-600">
        {outcome === "copied" ? "Copied." : outcome === "select" ? "Selected: press Ctrl+C (⌘C on a Mac) to copy." : ""}
      </p>
    </div>
  );
}
