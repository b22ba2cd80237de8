import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { openDatabase } from "./client";
import { EmbeddedDatabaseBusyError } from "./pglite";

const embedded = (dataDir: string) => ({ kind: "embedded" as const, dataDir, connectTimeoutMs: 5_000 });

describe("the embedded database (DATABASE_URL unset)", () => {
  // One folder for the file: creating a PGlite database on disk is the slow part (initdb), and the
  // tests after the first need an existing one.
  let dataDir: string;

  it("is created, with its missing parent folders, and migrated on first start, and keeps its data", async () => {
    vi.spyOn(console, "info").mockImplementation(() => {});
    dataDir = path.join(await mkdtemp(path.join(tmpdir(), "embedded-")), "nested", "pglite");
    const id = randomUUID();

    const first = await openDatabase(embedded(dataDir));
    try {
      await first.prisma.tenant.create({ data: { id, displayName: "Contoso" } });
      // One pooled connection to PGlite: a refused write must not break the next query.
      await expect(first.prisma.tenant.create({ data: { id } })).rejects.toMatchObject({ code: "P2002" });
      expect(await first.prisma.tenant.count()).toBe(1);
    } finally {
      await first.close();
    }
    expect(existsSync(dataDir)).toBe(true);
    expect(console.info).toHaveBeenCalledWith(expect.stringMatching(/embedded database: applied \d{14}_init/));

    vi.mocked(console.info).mockClear();
    const second = await openDatabase(embedded(dataDir));
    try {
      expect(await second.prisma.tenant.findUnique({ where: { id } })).toMatchObject({ displayName: "Contoso" });
    } finally {
      await second.close();
    }
    expect(console.info).not.toHaveBeenCalled(); // nothing left to migrate
  });

  it("refuses a second opening of the same folder while it is open, naming the folder", async () => {
    const first = await openDatabase(embedded(dataDir));
    try {
      const second = openDatabase(embedded(dataDir));
      await expect(second).rejects.toBeInstanceOf(EmbeddedDatabaseBusyError);
      await expect(second).rejects.toThrow(dataDir);
      expect(await first.prisma.tenant.count()).toBe(1); // the first is unharmed
    } finally {
      await first.close();
    }
  });

  it("takes over a lock left by a process that is gone", async () => {
    const exited = spawnSync(process.execPath, ["-e", "process.exit(0)"]);
    await writeFile(`${dataDir}.lock`, String(exited.pid));
    const opened = await openDatabase(embedded(dataDir));
    expect(await opened.prisma.tenant.count()).toBe(1);
    await opened.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });
});
