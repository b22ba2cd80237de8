// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Load these from node_modules at run time instead of bundling them: they read their own
  // WebAssembly files from their package folders (embedded database, migrations).
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-socket", "@prisma/schema-engine-wasm", "pg"],
  // Hosts that copy only traced files (standalone output) still need the engines' .wasm files.
  outputFileTracingIncludes: {
    "/**": ["./node_modules/@prisma/schema-engine-wasm/*.wasm", "./prisma/migrations/**/*", "./prisma/schema.prisma"],
  },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
