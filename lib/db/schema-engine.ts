// Prisma's schema engine compiled to WebAssembly: it applies and diffs migrations exactly as
// `prisma migrate deploy` does, without the native engine binary that Prisma's CLI downloads
// (machines without internet access cannot fetch it; see README "Database migrations").
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

export type { SchemaEngine };

type Bindings = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

const globalForEngine = globalThis as unknown as { prismaSchemaEngineWasm?: Promise<Bindings> };

/** Instantiates the WebAssembly module once per process. */
function loadBindings(): Promise<Bindings> {
  globalForEngine.prismaSchemaEngineWasm ??= (async () => {
    // Resolved from the project, not from the bundle this module may end up in.
    const require = createRequire(path.join(process.cwd(), "package.json"));
    const wasmPath = path.join(
      path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
      "schema_engine_bg.wasm",
    );
    const bindings: Bindings = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const { instance } = await WebAssembly.instantiate(await readFile(/*turbopackIgnore: true*/ wasmPath), {
      "./schema_engine_bg.js": bindings as unknown as WebAssembly.ModuleImports,
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  return globalForEngine.prismaSchemaEngineWasm;
}

export type SchemaFile = { path: string; content: string };

/** Reads the Prisma schema the engine compares migrations and databases against. */
export async function readSchemaFile(schemaPath: string): Promise<SchemaFile> {
  return { path: schemaPath, content: await readFile(/*turbopackIgnore: true*/ schemaPath, "utf8") };
}

/**
 * Opens a schema engine that reaches its database (and, for commands that need one, a shadow
 * database) through the given driver adapter factory. Call `engine.free()` when done.
 */
export async function openSchemaEngine(
  schema: SchemaFile,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  log: (line: string) => void = () => {},
): Promise<SchemaEngine> {
  const { SchemaEngine } = await loadBindings();
  return SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    log,
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}
