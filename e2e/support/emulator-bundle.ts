// The emulator as one JavaScript file for the browser tests' servers: `node --import tsx` compiles
// its TypeScript module by module on every start (about 2 s of CPU), esbuild bundles it in a
// fraction of that. Dependencies stay in node_modules; each module keeps its own import.meta.url
// (the marketplace finds offers.json beside its source). Made anew for every start: never stale.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

const ownModuleUrls: Plugin = {
  name: "own-module-urls",
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async ({ path: file }) => {
      const source = await readFile(file, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      return { contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(file).href)), loader: "ts" };
    });
  },
};

/** Bundles emulator/cli.ts into `dir`; the file to run with node. */
export async function bundleEmulator(dir: string): Promise<string> {
  const outfile = path.resolve(dir, "emulator.mjs");
  await build({
    entryPoints: [path.join("emulator", "cli.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile,
    logLevel: "warning",
    plugins: [ownModuleUrls],
  });
  return outfile;
}
