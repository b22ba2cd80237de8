// A Playwright reporter that ends the run with the spec files that took longest (their tests and
// the hooks that ran for them, added up), so the next person sees where the browser phase's time
// goes. Used beside the list reporter (playwright.config.ts).
import path from "node:path";
import type { FullResult, Reporter, TestCase, TestResult } from "@playwright/test/reporter";

const SHOWN = 10;

export default class SlowestSpecs implements Reporter {
  private readonly perFile = new Map<string, { ms: number; tests: number }>();

  onTestEnd(test: TestCase, result: TestResult): void {
    const file = path.relative(process.cwd(), test.location.file);
    const entry = this.perFile.get(file) ?? { ms: 0, tests: 0 };
    entry.ms += result.duration;
    entry.tests += 1;
    this.perFile.set(file, entry);
  }

  onEnd(result: FullResult): void {
    const slowest = [...this.perFile.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, SHOWN);
    if (slowest.length === 0) return;
    const width = Math.max(...slowest.map(([file]) => file.length));
    console.info(
      `\nSlowest spec files (of ${this.perFile.size}; the run took ${Math.round(result.duration / 1000)} s):`,
    );
    for (const [file, { ms, tests }] of slowest) {
      console.info(`  ${file.padEnd(width)}  ${(ms / 1000).toFixed(1).padStart(6)} s  ${tests} test(s)`);
    }
  }

  printsToStdio(): boolean {
    return true;
  }
}
