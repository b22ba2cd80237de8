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

const globalForEngine = globalThis as unknown as {
  prismaSchemaEngineWasm?: Promise<Bindings>;
  /** Set once the engine crashed: its instance and the JS glue around it are unusable. */
  prismaSchemaEngineCrash?: string;
  PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void };
};

/** The engine crashed (a Rust panic); its WebAssembly instance is unusable afterwards. */
export class SchemaEnginePanic extends Error {
  constructor(message: string) {
    super(`Prisma's schema engine crashed: ${message}`);
    this.name = "SchemaEnginePanic";
  }
}

// A panic aborts the WebAssembly call and leaves the engine's promise pending forever: the
// engine reports it here first (it looks the registry up on globalThis), and the pending
// commands are rejected instead of hanging. Later commands in the process fail at once.
const panicListeners = new Set<(message: string) => void>();
function crashed(message: string): void {
  globalForEngine.prismaSchemaEngineCrash ??= message;
  for (const listener of panicListeners) listener(message);
}
globalForEngine.PRISMA_WASM_PANIC_REGISTRY = { set_message: crashed };

/** Instantiates the WebAssembly module once per process. */
function loadBindings(): Promise<Bindings> {
  const crash = globalForEngine.prismaSchemaEngineCrash;
  if (crash) {
    return Promise.reject(
      new SchemaEnginePanic(`${crash} (earlier in this process; restart it to use the engine again)`),
    );
  }
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
 * Runs commands on a schema engine that reaches its database (and, for commands that need one, a
 * shadow database) through the given driver adapter factory, then frees the engine.
 */
export async function withSchemaEngine<T>(
  schema: SchemaFile,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  run: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  let onPanic: (message: string) => void = () => {};
  const panicked = new Promise<never>((_, reject) => {
    onPanic = (message) => reject(new SchemaEnginePanic(message));
  });
  panicListeners.add(onPanic);
  let engine: SchemaEngine | undefined;
  try {
    const { SchemaEngine } = await loadBindings();
    const opening = SchemaEngine.new(
      { datamodels: [[schema.path, schema.content]] },
      () => {},
      bindMigrationAwareSqlAdapterFactory(adapterFactory),
    );
    engine = await Promise.race([opening, panicked]);
    return await Promise.race([run(engine), panicked]);
  } catch (error) {
    // A panic inside a synchronous call surfaces as a WebAssembly trap instead.
    if (error instanceof WebAssembly.RuntimeError) {
      crashed(error.message);
      throw new SchemaEnginePanic(error.message);
    }
    throw error;
  } finally {
    panicListeners.delete(onPanic);
    try {
      engine?.free();
    } catch {
      // A crashed engine cannot be freed; its instance is dropped with the module above.
    }
  }
}
