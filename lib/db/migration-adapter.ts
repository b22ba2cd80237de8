// The driver adapter the schema engine applies migrations through.
// @prisma/adapter-pg runs a script by splitting it on ";" and sending the pieces one by one:
// a migration that fails half-way stays half-applied, and a function body or a string holding
// a ";" is cut apart. Prisma's native engine sends the whole script at once; PostgreSQL then runs
// it as one implicit transaction, all or nothing. This adapter does the same.
// It also hands the engine PostgreSQL's internal "char" columns, which the engine reads from
// pg_catalog to describe a database (drift checks, new migrations) and which @prisma/adapter-pg
// refuses to map ("Column type 'char' could not be deserialized").
import type pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlQuery,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";

/** Runs `script` as one simple-protocol query: several statements, one implicit transaction. */
async function executeWholeScript(pool: pg.Pool, script: string): Promise<void> {
  try {
    await pool.query(script);
  } catch (error) {
    const failure = error as pg.DatabaseError;
    if (typeof failure.code !== "string") throw error;
    throw new DriverAdapterError({
      kind: "postgres",
      code: failure.code,
      severity: failure.severity ?? "ERROR",
      message: failure.message,
      detail: failure.detail,
      column: failure.column,
      hint: failure.hint,
    });
  }
}

const CHAR_OID = 18; // PostgreSQL's one-byte internal "char" (pg_type.typname = 'char')
const TEXT_OID = 25;

type PerformIO = (query: SqlQuery) => Promise<pg.QueryResult>;

/**
 * Reports "char" result columns to the engine as Character (pg already reads their values as
 * one-letter strings) where @prisma/adapter-pg would refuse the whole result. The adapter's own
 * queryRaw does the rest, on a per-call view of the adapter, so concurrent queries stay apart.
 */
function withCharColumns(adapter: SqlDriverAdapter): void {
  const queryRaw = adapter.queryRaw;
  const performIO = (adapter as unknown as { performIO: PerformIO }).performIO;
  adapter.queryRaw = async (query) => {
    const charColumns: number[] = [];
    const view = Object.create(adapter, {
      performIO: {
        value: async (io: SqlQuery) => {
          const result = await performIO.call(adapter, io);
          result.fields.forEach((field, index) => {
            if (field.dataTypeID !== CHAR_OID) return;
            charColumns.push(index);
            field.dataTypeID = TEXT_OID;
          });
          return result;
        },
      },
    }) as SqlDriverAdapter;
    const resultSet = await queryRaw.call(view, query);
    for (const index of charColumns) resultSet.columnTypes[index] = ColumnTypeEnum.Character;
    return resultSet;
  };
}

function forMigrations(adapter: SqlDriverAdapter, pool: pg.Pool): SqlDriverAdapter {
  adapter.executeScript = (script) => executeWholeScript(pool, script);
  withCharColumns(adapter);
  return adapter;
}

export class MigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName: string;
  private readonly inner: PrismaPg;

  constructor(
    private readonly pool: pg.Pool,
    private readonly shadow?: MigrationAdapterFactory,
  ) {
    this.inner = new PrismaPg(pool);
    this.adapterName = this.inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return forMigrations(await this.inner.connect(), this.pool);
  }

  /** Commands that replay migrations (creating a new one) need a second, empty database. */
  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    if (!this.shadow) throw new Error("This command needs a shadow database, and none was given.");
    return this.shadow.connect();
  }
}
