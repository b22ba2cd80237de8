// A labelled text input with its hint and its error, tied to it for screen readers
// (aria-describedby, aria-invalid): the forms of the workspace and the landing page share it.
export function FormField(props: {
  /** Ids are `<idPrefix>-<name>`: unique on the page. */
  idPrefix: string;
  name: string;
  label: string;
  hint?: string;
  type?: string;
  autoComplete: string;
  value: string;
  error?: string;
  required?: boolean;
}) {
  const id = `${props.idPrefix}-${props.name}`;
  const described = [props.hint ? `${id}-hint` : null, props.error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {props.label}
        {props.required ? null : <span className="font-normal text-slate-500"> (optional)</span>}
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        autoComplete={props.autoComplete}
        defaultValue={props.value}
        required={props.required}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described || undefined}
        className="w-full max-w-md rounded border border-slate-300 px-3 py-2 text-sm aria-[invalid]:border-red-600"
      />
      {props.hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
