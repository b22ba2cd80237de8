// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  // A self-contained server in .next/standalone (`node server.js`, honours PORT and HOSTNAME): what
  // Azure App Service and the Dockerfile run. Vercel builds its own way and ignores this.
  output: "standalone",
  // Load these from node_modules at run time instead of bundling them: they read their own
  // WebAssembly files from their package folders (embedded database, migrations).
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-socket", "@prisma/schema-engine-wasm", "pg"],
  // Hosts that copy only traced files (standalone output) still need the engines' .wasm files.
  outputFileTracingIncludes: {
    "/**": ["./node_modules/@prisma/schema-engine-wasm/*.wasm", "./prisma/migrations/**/*", "./prisma/schema.prisma"],
  },
  poweredByHeader: false,
  // Headers that do not depend on the request, for everything (API routes and files included);
  // pages get the Content-Security-Policy with its nonce from proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
  reactStrictMode: true,
};

export default nextConfig;
