"use client";
// A moment shown in the viewer's own time zone and language, with the relative time ("2 hours
// ago") beside it. The server, which does not know the viewer's time zone, renders UTC; the
// browser renders its own.
import { useSyncExternalStore } from "react";

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

function local(iso: string): string {
  const at = new Date(iso);
  const elapsed = at.getTime() - new Date().getTime();
  const [unit, size] = UNITS.find(([, size]) => Math.abs(elapsed) >= size) ?? UNITS[2]!;
  const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(Math.round(elapsed / size), unit);
  return `${relative} (${at.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })})`;
}

const noSubscription = () => () => undefined;

export function When({ iso }: { iso: string }) {
  const inBrowser = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  return <time dateTime={iso}>{inBrowser ? local(iso) : `${iso.slice(0, 16).replace("T", " ")} UTC`}</time>;
}
