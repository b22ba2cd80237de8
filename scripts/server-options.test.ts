import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SERVER_NODE_OPTIONS } from "./server-options.mjs";

const read = (file: string) => readFileSync(file, "utf8");
const flags = SERVER_NODE_OPTIONS.join(" ");

// Every place the production server starts holds the same options (scripts/server-options.mjs).
describe("the server's Node.js options", () => {
  it("bound the heap", () => {
    expect(SERVER_NODE_OPTIONS.some((flag) => /^--max-old-space-size=\d+$/.test(flag))).toBe(true);
  });

  it("are those of npm start", () => {
    const { scripts } = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    expect(scripts.start).toBe(`node ${flags} scripts/start.mjs`);
  });

  it("are those of the Dockerfile's server", () => {
    const command = ["node", ...SERVER_NODE_OPTIONS, "server.js"].map((word) => JSON.stringify(word)).join(", ");
    expect(read("Dockerfile")).toContain(`CMD [${command}]`);
  });

  it("are those of App Service's startup command in the guide", () => {
    expect(read("README.md")).toContain(`**Startup Command** \`node ${flags} server.js\``);
  });
});
