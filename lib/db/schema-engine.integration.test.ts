import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationAdapter } from "./connection";
import { schemaPath } from "./migrations";
import { startPgliteServer, type PgliteServer } from "./pglite";
import { readSchemaFile, SchemaEnginePanic, withSchemaEngine } from "./schema-engine";

describe("withSchemaEngine", () => {
  let server: PgliteServer;
  beforeAll(async () => {
    server = await startPgliteServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("runs commands", async () => {
    const { factory, close } = migrationAdapter(server.url);
    try {
      const version = await withSchemaEngine(await readSchemaFile(schemaPath()), factory, (engine) => engine.version());
      expect(version).toMatch(/\S/);
    } finally {
      await close();
    }
  });

  it("turns an engine crash into an error instead of a command that never ends, now and later", async () => {
    const schema = await readSchemaFile(schemaPath());
    const { factory, close } = migrationAdapter(server.url);
    try {
      const crash = withSchemaEngine(schema, factory, async (engine) => {
        engine.debugPanic();
        return "not reached";
      });
      await expect(crash).rejects.toBeInstanceOf(SchemaEnginePanic);

      // The crashed instance cannot be trusted again: later commands fail at once, never hang.
      await expect(withSchemaEngine(schema, factory, (engine) => engine.version())).rejects.toThrow(
        /crashed[\s\S]*restart it to use the engine again/,
      );
    } finally {
      await close();
    }
  });
});
