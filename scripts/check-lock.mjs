// The lock file is complete and current (part of `npm run lint`), so `npm ci` installs the same
// tree on every machine, CI, the Dockerfile and the App Service workflow:
//   - current: the root entry's dependencies are package.json's, spec for spec (else npm ci
//     refuses the lock, and `npm install` would rewrite it);
//   - complete: every optional dependency a package declares (the native binaries of next/swc,
//     tailwindcss, esbuild, ... for each platform) has its own entry. A lock written where the
//     registry lacked some platforms' binaries leaves them out, and npm ci then refuses it on
//     those platforms, or installs nothing for them.
// Fix either with: rm -rf node_modules package-lock.json && npm install
import { readFileSync } from "node:fs";

const lock = JSON.parse(readFileSync(new URL("../package-lock.json", import.meta.url), "utf8"));
const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const packages = lock.packages ?? {};
const problems = [];

for (const field of ["dependencies", "devDependencies", "optionalDependencies"]) {
  const wanted = manifest[field] ?? {};
  const locked = packages[""]?.[field] ?? {};
  for (const name of new Set([...Object.keys(wanted), ...Object.keys(locked)])) {
    if (wanted[name] !== locked[name]) {
      problems.push(
        `${field}.${name}: package.json has ${wanted[name] ?? "nothing"}, the lock ${locked[name] ?? "nothing"}`,
      );
    }
  }
}

/** Where Node would find `name` from the package at `from` (its own node_modules, then upwards). */
function resolves(from, name) {
  for (let base = from; ;) {
    if (packages[base ? `${base}/node_modules/${name}` : `node_modules/${name}`]) return true;
    if (!base) return false;
    const parent = base.lastIndexOf("/node_modules/");
    base = parent === -1 ? "" : base.slice(0, parent);
  }
}

for (const [location, entry] of Object.entries(packages)) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    if (!resolves(location, name)) problems.push(`${location || "the project"}: optional ${name} is not in the lock`);
  }
}

if (problems.length) {
  console.error(`package-lock.json is incomplete or out of date (${problems.length}):`);
  for (const problem of problems.slice(0, 20)) console.error(`  - ${problem}`);
  if (problems.length > 20) console.error(`  ... and ${problems.length - 20} more`);
  console.error("Fix: rm -rf node_modules package-lock.json && npm install, then commit package-lock.json");
  process.exit(1);
}
console.info(`package-lock.json: complete and current (${Object.keys(packages).length - 1} packages)`);
