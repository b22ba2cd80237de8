import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          environment: "node",
          include: ["lib/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.integration.test.ts", "node_modules/**"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          environment: "node",
          include: [
            "lib/**/*.integration.test.ts",
            "emulator/**/*.integration.test.ts",
            "test/**/*.integration.test.ts",
          ],
          globalSetup: ["test/global-setup.ts"],
          // Each file starts its own databases (PGlite, and a fresh database on the PostgreSQL
          // server named by TEST_DATABASE_URL): a machine with 2 cores runs two files at a time.
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
