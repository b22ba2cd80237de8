import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // Everything reads configuration through lib/config.ts (validated once, at start).
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through lib/config.ts." },
      ],
    },
  },
  {
    // The places allowed to read process.env: the config module itself, tooling and tests.
    files: [
      "lib/config.ts",
      "instrumentation.ts",
      "prisma.config.ts",
      "playwright.config.ts",
      "vitest.config.ts",
      "scripts/**",
      "bench/**",
      "emulator/**",
      "e2e/**",
      "test/**",
      "**/*.test.ts",
    ],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // The local Entra ID emulator is a development and test tool: the product never imports it.
    files: ["app/**", "lib/**", "instrumentation.ts", "proxy.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/emulator/**", "@/emulator/**"], message: "app/ and lib/ never import the emulator." },
          ],
        },
      ],
    },
  },
  globalIgnores([
    ".next/**",
    ".data/**",
    "lib/db/generated/**",
    "next-env.d.ts",
    "test-results/**",
    "playwright-report/**",
  ]),
]);
