// Prisma CLI configuration (Prisma 7 reads the database URL from here, not from the schema).
// Used by `npx prisma generate` and, on machines that can download Prisma's native engines,
// `npx prisma migrate dev|deploy`. `npm run db:migrate` does not need it.
import nextEnv from "@next/env";
import { defineConfig } from "prisma/config";

// The same .env files the app reads (Prisma 7 no longer loads .env by itself).
nextEnv.loadEnvConfig(process.cwd());

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    // The CLI only needs a URL for commands that talk to a database.
    url: process.env.DATABASE_URL ?? "",
  },
});
