// A PGlite database costs 2 to 4 s to start from nothing: compiling PostgreSQL's WebAssembly and
// running initdb. The integration tests start one per describe block, so the test run's global
// setup does both once: it keeps an initdb'd, empty cluster as a tarball, and each test database
// starts from it with modules compiled once per test file (about 1 s). The database is the same
// as one made from scratch (empty: the tests' migrations still run against it).
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";

/** The variable global setup names the tarball with (test/global-setup.ts); unset: no template. */
export const TEMPLATE_VARIABLE = "TEST_PGLITE_TEMPLATE";

/** Where PGlite's own files are: its WebAssembly modules and the file system bundle. */
const distDir = () => path.dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));

/** Makes the template (an initdb'd empty cluster) at `file`. */
export async function writePgliteTemplate(file: string): Promise<void> {
  const db = await PGlite.create();
  try {
    const dump = await db.dumpDataDir("none");
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await db.close();
  }
}

let options: Promise<PGliteOptions> | undefined;

/** PGlite options that start a database from the template, or none outside the test run. */
export function pgliteTemplateOptions(): Promise<PGliteOptions> {
  const file = process.env[TEMPLATE_VARIABLE];
  if (!file) return Promise.resolve({});
  options ??= (async () => {
    const dir = distDir();
    const [pglite, initdb, bundle, template] = await Promise.all(
      ["pglite.wasm", "initdb.wasm", "pglite.data"]
        .map((name) => readFile(path.join(dir, name)))
        .concat(readFile(file)),
    );
    return {
      pgliteWasmModule: await WebAssembly.compile(pglite!),
      initdbWasmModule: await WebAssembly.compile(initdb!),
      fsBundle: new Blob([bundle!]),
      loadDataDir: new Blob([template!]),
    };
  })();
  return options;
}
