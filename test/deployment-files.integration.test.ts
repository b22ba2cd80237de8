import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// The deployment files the README's deploy guides rely on, checked where no cloud is at hand: each
// npm script they call exists and runs in the right order, the container runs unprivileged, and
// the artifact is the standalone server that e2e/deploy/standalone.spec.ts starts.
const scripts: Record<string, string> = JSON.parse(readFileSync("package.json", "utf8")).scripts;

/** `npm run <name>` calls in a text. */
const npmRuns = (text: string) => [...text.matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1]!);

describe("Dockerfile", () => {
  const dockerfile = readFileSync("Dockerfile", "utf8");
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const run = stages.at(-1)!;

  it("builds in one stage and runs the standalone folder alone in another", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/^RUN npm run build$/m);
    expect(run).toMatch(/^COPY --from=build\b.* \/app\/\.next\/standalone \.\/$/m);
    expect(run).not.toMatch(/^RUN npm (install|ci)/m);
    // server.js, with the deployed Node.js options (scripts/server-options.test.ts checks which).
    expect(run).toMatch(/^CMD \["node", (?:"--[a-z-]+=\d+", )*"server\.js"\]$/m);
  });

  it("runs as an unprivileged user, on the port App Service is told about", () => {
    const user = run.match(/^USER (\S+)$/m)?.[1];
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user);
    expect(run.indexOf(`USER ${user}`)).toBeLessThan(run.indexOf("CMD "));
    expect(run).toMatch(/PORT=8080/);
    expect(run).toMatch(/HOSTNAME=0\.0\.0\.0/); // else Node listens on the container's own name only
    expect(run).toMatch(/\/api\/health/);
    expect(existsSync("app/api/health/route.ts")).toBe(true);
  });

  it("calls only npm scripts that exist, and never copies secrets or local state into the image", () => {
    for (const name of npmRuns(dockerfile)) expect(Object.keys(scripts)).toContain(name);
    const ignored = readFileSync(".dockerignore", "utf8").split("\n");
    for (const entry of [".env*", "node_modules", ".data", ".next", ".git"]) expect(ignored).toContain(entry);
  });
});

describe("GitHub Actions workflow for Azure App Service", () => {
  const text = readFileSync(".github/workflows/azure-app-service.yml", "utf8");
  const workflow = parse(text) as {
    permissions: Record<string, string>;
    jobs: Record<string, { needs?: string; steps: { run?: string; uses?: string; with?: Record<string, string> }[] }>;
  };

  it("builds, then migrates, then deploys", () => {
    expect(Object.keys(workflow.jobs)).toEqual(["build", "migrate", "deploy"]);
    expect(workflow.jobs.migrate!.needs).toBe("build");
    expect(workflow.jobs.deploy!.needs).toBe("migrate");
    const migrations = workflow.jobs.migrate!.steps.filter((step) => step.run?.includes("npm run db:migrate"));
    expect(migrations).toHaveLength(1);
  });

  it("ships the standalone folder (zip) or the Dockerfile's image (container), signed in without a stored password", () => {
    const build = workflow.jobs.build!.steps.map((step) => step.run ?? "").join("\n");
    expect(build).toMatch(/npm run build/);
    expect(build).toMatch(/cd \.next\/standalone && zip -qr "\$GITHUB_WORKSPACE\/app\.zip" \./);
    const deploys = workflow.jobs.deploy!.steps.filter((step) => step.uses?.startsWith("azure/webapps-deploy@"));
    expect(deploys.map((step) => Object.keys(step.with!).sort())).toEqual([
      ["app-name", "package"],
      ["app-name", "images"],
    ]);
    expect(workflow.permissions["id-token"]).toBe("write");
    expect(text).not.toMatch(/creds:|publish-profile/);
  });

  it("calls only npm scripts that exist", () => {
    for (const name of npmRuns(text)) expect(Object.keys(scripts)).toContain(name);
  });
});

describe("Vercel", () => {
  it("generates the Prisma client and migrates before next build, in the build Vercel runs", () => {
    expect(JSON.parse(readFileSync("vercel.json", "utf8")).buildCommand).toBe("npm run vercel-build");
    const steps = scripts["vercel-build"]!.split(" && ");
    expect(steps).toEqual(["npm run db:generate", "npm run db:migrate", "next build"]);
  });
});
