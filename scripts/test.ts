// npm test: every check, in order, stopping at the first failure, then how long each phase took.
//   browser      a Chromium for the browser tests, found (or installed) before anything runs
//   typecheck    npm run typecheck  } both at once: each uses one core, and neither reads what
//   lint         npm run lint       } the other writes; their outputs are shown one after the other
//   unit         npm run test:unit
//   integration  npm run test:integration
//   build        npm run build (the standalone server the browser tests start)
//   browser tests  playwright test
// The phases' times go to test-results/phases.json too, for .ci/run's summary.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { chromiumInstallCommand, findChromium } from "./chromium";

type Phase = { name: string; seconds: number; ok: boolean };
const phases: Phase[] = [];

/** A command's run; `quiet` keeps its output until it ends (for steps that run beside another). */
function runCommand(command: string, args: string[], quiet = false): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit",
      env: quiet ? { ...process.env, FORCE_COLOR: "1" } : process.env,
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("close", (code) => resolve({ ok: code === 0, output }));
    child.once("error", (error) => resolve({ ok: false, output: `${output}${error.message}\n` }));
  });
}

const run = async (command: string, args: string[]) => (await runCommand(command, args)).ok;

const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

async function phase(name: string, step: () => Promise<boolean>): Promise<boolean> {
  console.info(`\n--- ${name}`);
  const started = performance.now();
  const ok = await step();
  phases.push({ name, seconds: seconds(started), ok });
  return ok;
}

/** Phases run at once; each is timed on its own, and shown in the order given. */
async function phasesAtOnce(steps: [string, string[]][]): Promise<boolean> {
  const started = performance.now();
  const results = await Promise.all(
    steps.map(async ([name, command]) => {
      const result = await runCommand(command[0]!, command.slice(1), true);
      return { name, ...result, seconds: seconds(started) };
    }),
  );
  for (const result of results) {
    console.info(`\n--- ${result.name}`);
    process.stdout.write(result.output);
    phases.push({ name: result.name, seconds: result.seconds, ok: result.ok });
  }
  return results.every((result) => result.ok);
}

/** A Chromium, or the one command that gets one: checked first, not after ten minutes of tests. */
async function ensureChromium(): Promise<boolean> {
  let chromium = findChromium();
  if (!chromium.found && !process.env.CHROMIUM_PATH) {
    console.info("No Chromium found: trying `npx playwright install chromium` (it needs Playwright's download host)");
    spawnSync("npx", ["playwright", "install", "chromium"], { stdio: "inherit", timeout: 300_000 });
    chromium = findChromium();
  }
  if (chromium.found) {
    console.info(`Browser tests use ${chromium.source}${chromium.path ? ` (${chromium.path})` : ""}`);
    return true;
  }
  console.error(
    process.env.CHROMIUM_PATH
      ? `\nThe browser tests need Chromium: ${chromium.problem}.\nSet CHROMIUM_PATH to a Chromium or Chrome executable, or unset it.`
      : `\nThe browser tests need Chromium: ${chromium.problem}.\n` +
          `Run this, then npm test again:\n\n  ${chromiumInstallCommand()}\n\n` +
          `(or set CHROMIUM_PATH to a Chromium or Chrome executable)`,
  );
  return false;
}

function summary(): void {
  const width = Math.max(...phases.map((entry) => entry.name.length));
  console.info("\n--- how long each phase took");
  for (const entry of phases) {
    console.info(`${entry.name.padEnd(width)}  ${entry.seconds.toFixed(1).padStart(6)} s${entry.ok ? "" : "  FAILED"}`);
  }
  console.info(`${"total".padEnd(width)}  ${seconds(startedAt).toFixed(1).padStart(6)} s`);
  mkdirSync("test-results", { recursive: true });
  writeFileSync("test-results/phases.json", `${JSON.stringify(phases, null, 2)}\n`);
}

const startedAt = performance.now();
const steps: (() => Promise<boolean>)[] = [
  () => phase("browser", ensureChromium),
  () =>
    phasesAtOnce([
      ["typecheck", ["npm", "run", "typecheck"]],
      ["lint", ["npm", "run", "lint"]],
    ]),
  () => phase("unit", () => run("npm", ["run", "test:unit"])),
  () => phase("integration", () => run("npm", ["run", "test:integration"])),
  () => phase("build", () => run("npm", ["run", "build"])),
  () => phase("browser tests", () => run("npx", ["playwright", "test"])),
];

let failed = false;
for (const step of steps) {
  if (!(await step())) {
    failed = true;
    break;
  }
}
summary();
process.exit(failed ? 1 : 0);
