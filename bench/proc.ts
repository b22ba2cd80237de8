// The measured server's memory and CPU time, read from /proc (Linux). Memory: its process and its
// children, the largest of them (the standalone server is one process; Next.js may start helpers).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

function processTree(pid: number): number[] {
  const children = spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean)
    .map(Number);
  return [pid, ...children];
}

/** A field of /proc/<pid>/status in MB (e.g. VmHWM, VmRSS, RssAnon), 0 for a process gone. */
function statusMb(pid: number, field: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

const largest = (pid: number, field: string) =>
  Math.round(Math.max(...processTree(pid).map((id) => statusMb(id, field))));

/** Peak resident memory (VmHWM) since the process started, in MB. */
export const peakRssMb = (pid: number) => largest(pid, "VmHWM");

/** Resident memory now (VmRSS) in MB, and how much of it is the process's own (anonymous: heaps). */
export function rssNow(pid: number): { rssMb: number; anonMb: number } {
  return { rssMb: largest(pid, "VmRSS"), anonMb: largest(pid, "RssAnon") };
}

/**
 * CPU time (user and system) the process has used so far, in ms. Per sign-in, it is what the
 * server spent, whatever else the machine was doing meanwhile: steadier than throughput on a
 * shared machine.
 */
export function cpuMs(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces, hence the last ")"): utime and stime
    // are the 12th and 13th, in clock ticks (USER_HZ, 100 on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(")").at(-1)!.trim().split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}
