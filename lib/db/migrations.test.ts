import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readMigrations, withoutOperatorClassRoundTrips } from "./migrations";

describe("readMigrations", () => {
  it("lists migration folders in name (timestamp) order with their SQL", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "migrations-"));
    for (const name of ["20260102000000_second", "20260101000000_first"]) {
      await mkdir(path.join(dir, name));
      await writeFile(path.join(dir, name, "migration.sql"), `-- ${name}\n`);
    }
    await writeFile(path.join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');

    const list = await readMigrations(dir);

    expect(list.baseDir).toBe(dir);
    expect(list.lockfile).toEqual({ path: "migration_lock.toml", content: 'provider = "postgresql"\n' });
    expect(list.migrationDirectories).toEqual([
      {
        path: "20260101000000_first",
        migrationFile: { path: "migration.sql", content: { tag: "ok", value: "-- 20260101000000_first\n" } },
      },
      {
        path: "20260102000000_second",
        migrationFile: { path: "migration.sql", content: { tag: "ok", value: "-- 20260102000000_second\n" } },
      },
    ]);
  });

  it("reports a folder without migration.sql instead of skipping it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "migrations-"));
    await mkdir(path.join(dir, "20260101000000_empty"));
    const [migration] = (await readMigrations(dir)).migrationDirectories;
    expect(migration?.migrationFile.content.tag).toBe("error");
  });

  it("reads a missing folder as no migrations", async () => {
    const list = await readMigrations(path.join(tmpdir(), "does-not-exist-migrations"));
    expect(list.migrationDirectories).toEqual([]);
    expect(list.lockfile.content).toBeNull();
  });

  it("finds the project's own migrations, starting with the first data model", async () => {
    const { migrationDirectories } = await readMigrations();
    expect(migrationDirectories.length).toBeGreaterThan(0);
    expect(migrationDirectories[0]?.path).toMatch(/^\d{14}_init$/);
  });
});

describe("withoutOperatorClassRoundTrips", () => {
  it("leaves out the drop and re-creation of an index with an operator class, and nothing else", () => {
    const script = [
      '-- DropIndex\nDROP INDEX "tenant_primary_domain_idx";',
      '-- AlterTable\nALTER TABLE "tenant" ADD COLUMN "x" TEXT;',
      '-- CreateIndex\nCREATE INDEX "tenant_primary_domain_idx" ON "tenant"("primary_domain" text_pattern_ops);',
    ].join("\n\n");
    expect(withoutOperatorClassRoundTrips(script)).toBe('-- AlterTable\nALTER TABLE "tenant" ADD COLUMN "x" TEXT;');
    // A real drop, or a new index, stays.
    expect(withoutOperatorClassRoundTrips('-- DropIndex\nDROP INDEX "a_idx";')).toBe(
      '-- DropIndex\nDROP INDEX "a_idx";',
    );
    const created = '-- CreateIndex\nCREATE INDEX "b_idx" ON "t"("c" text_pattern_ops);';
    expect(withoutOperatorClassRoundTrips(created)).toBe(created);
  });
});
