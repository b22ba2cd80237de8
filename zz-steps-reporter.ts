import type { Reporter, TestCase, TestResult, TestStep } from "@playwright/test/reporter";
export default class Steps implements Reporter {
  private agg = new Map<string, { ms: number; n: number }>();
  onStepEnd(_t: TestCase, _r: TestResult, step: TestStep) {
    if (step.category !== "pw:api" && step.category !== "expect" && step.category !== "hook" && step.category !== "fixture") return;
    if (step.parent && (step.parent.category === "pw:api" || step.parent.category === "expect")) return;
    const key = `${step.category} ${step.title.replace(/".*"|\/.*\/|\d+/g, "_").slice(0, 60)}`;
    const e = this.agg.get(key) ?? { ms: 0, n: 0 };
    e.ms += step.duration; e.n++; this.agg.set(key, e);
  }
  onEnd() {
    const rows = [...this.agg].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30);
    for (const [k, v] of rows) console.log(`${(v.ms / 1000).toFixed(1).padStart(7)} s ${String(v.n).padStart(4)}  ${k}`);
  }
}
