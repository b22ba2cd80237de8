// Applies prisma/migrations to a database and compares databases with schema.prisma.
// The history it writes in `_prisma_migrations` is the one `prisma migrate deploy` writes, so
// both paths can be used on the same database.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { DiffTarget, MigrationList } from "@prisma/schema-engine-wasm";
import { readSchemaFile, withSchemaEngine, type SchemaFile } from "./schema-engine";

const prismaDir = () => path.join(process.cwd(), "prisma");
export const schemaPath = () => path.join(prismaDir(), "schema.prisma");
export const migrationsDir = () => path.join(prismaDir(), "migrations");

const noFilters = { externalTables: [], externalEnums: [] };

/** The migration folders in the order Prisma applies them (their names start with a timestamp). */
export async function readMigrations(dir = migrationsDir()): Promise<MigrationList> {
  const entries = await readdir(/*turbopackIgnore: true*/ dir, { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [];
      throw error;
    },
  );
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const lockfileContent = await readFile(/*turbopackIgnore: true*/ path.join(dir, "migration_lock.toml"), "utf8").catch(
    () => null,
  );
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: lockfileContent },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      folders.map(async (folder) => ({
        path: folder,
        migrationFile: {
          path: "migration.sql",
          content: await readFile(/*turbopackIgnore: true*/ path.join(dir, folder, "migration.sql"), "utf8").then(
            (value) => ({ tag: "ok" as const, value }),
            (error: Error) => ({ tag: "error" as const, value: error.message }),
          ),
        },
      })),
    ),
  };
}

/**
 * Applies every migration the database has not recorded yet, each in its own transaction.
 * Returns the names of the migrations it applied (none when the database is up to date).
 * Refuses, as `prisma migrate deploy` does, when a recorded migration failed or was edited.
 */
export async function applyMigrations(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  dir = migrationsDir(),
): Promise<string[]> {
  const migrationsList = await readMigrations(dir);
  return withSchemaEngine(await readSchemaFile(schemaPath()), adapterFactory, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: noFilters });
    return appliedMigrationNames;
  });
}

/**
 * Prisma's schema engine creates a B-tree index with an operator class (`ops: raw(...)`, e.g.
 * text_pattern_ops for the operator console's domain prefix search) but does not read the class
 * back, so every diff proposes dropping and re-creating that same index. Such pairs change
 * nothing and are left out. (`npx prisma migrate dev` shows them too: delete them there.)
 */
export function withoutOperatorClassRoundTrips(script: string): string {
  const blocks = script.split(/\n\n+/);
  const recreated = new Set(
    blocks
      .map((block) => block.match(/^-- CreateIndex\nCREATE INDEX "([^"]+)" ON .* [a-z_]+_ops\);$/s)?.[1])
      .filter((name): name is string => Boolean(name)),
  );
  const dropped = new Set(
    blocks.map((block) => block.match(/^-- DropIndex\nDROP INDEX "([^"]+)";$/)?.[1]).filter(Boolean),
  );
  return blocks
    .filter((block) => {
      const name =
        block.match(/^-- CreateIndex\nCREATE INDEX "([^"]+)"/)?.[1] ??
        block.match(/^-- DropIndex\nDROP INDEX "([^"]+)"/)?.[1];
      return !(name && recreated.has(name) && dropped.has(name));
    })
    .join("\n\n")
    .trim();
}

/** The SQL that turns `from` into what schema.prisma describes; empty when they agree. */
async function diffToSchema(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  from: (schema: SchemaFile) => Promise<DiffTarget>,
): Promise<string> {
  const schema = await readSchemaFile(schemaPath());
  const source = await from(schema);
  return withSchemaEngine(schema, adapterFactory, async (engine) => {
    const result = await engine.diff({
      from: source,
      to: { tag: "schemaDatamodel", files: [schema] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    // The engine prints a comment instead of SQL when there is nothing to do.
    const script = withoutOperatorClassRoundTrips((result.stdout ?? "").trim());
    return script === "" || /^-- This is an empty migration\.?$/.test(script) ? "" : `${script}\n`;
  });
}

/**
 * What the database lacks or has too much compared with schema.prisma. Used by the drift test:
 * after all migrations, this must be empty.
 */
export function diffDatabaseToSchema(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<string> {
  return diffToSchema(adapterFactory, async (schema) => ({
    tag: "schemaDatasource",
    files: [schema],
    configDir: process.cwd(),
  }));
}

/**
 * The SQL of a new migration: what schema.prisma adds to the existing migrations. The engine
 * replays the migrations on the factory's shadow database to know where they lead.
 */
export function diffMigrationsToSchema(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<string> {
  return diffToSchema(adapterFactory, async () => {
    const migrations = await readMigrations();
    return migrations.migrationDirectories.length ? { tag: "migrations", ...migrations } : { tag: "empty" };
  });
}

type RawQuery = <T>(query: TemplateStringsArray, ...values: unknown[]) => Promise<T>;

/**
 * The migrations in prisma/migrations that the database has not finished applying. The server
 * warns about them at start: a PostgreSQL server is migrated by `npm run db:migrate` at deploy
 * time, never implicitly by the app.
 */
export async function pendingMigrations(queryRaw: RawQuery, dir = migrationsDir()): Promise<string[]> {
  const { migrationDirectories } = await readMigrations(dir);
  const [table] = await queryRaw<
    { present: boolean }[]
  >`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`;
  const applied = table?.present
    ? await queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`
    : [];
  const done = new Set(applied.map((row) => row.migration_name));
  return migrationDirectories.map((migration) => migration.path).filter((name) => !done.has(name));
}
