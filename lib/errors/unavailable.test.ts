// A database that cannot be reached is `unavailable` (503 with Retry-After), never `internal`: the errors
// here are the real ones of Prisma's PostgreSQL adapter and of node-postgres against a closed port.
import { createServer } from "node:net";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/db/generated/client.ts";
import { errorResponse } from "@/lib/http/route";
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable, isDiskFull, toAppError } from ".";

/** A port nothing listens on (listened on once, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const caught = async (f: () => Promise<unknown>) => {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error("expected a failure");
};

describe("a database that cannot be reached", () => {
  it("is unavailable: Prisma's queries, raw queries and transactions, and node-postgres itself", async () => {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`;
    const pool = new pg.Pool({ connectionString: url });
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    const client = new pg.Client({ connectionString: url });
    try {
      const errors = [
        await caught(() => prisma.agent.findFirst()),
        await caught(() => prisma.$queryRawUnsafe("SELECT 1")),
        await caught(() => prisma.$transaction(async (tx) => tx.agent.findFirst())),
        await caught(() => client.connect()),
      ];
      for (const e of errors) {
        expect(isDatabaseUnavailable(e), String(e)).toBe(true);
        const response = errorResponse(toAppError(e));
        expect(response.status).toBe(503);
        expect(response.headers.get("retry-after")).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe("unavailable");
        expect(body.error.message).toMatch(/database is unavailable/);
        expect(body.error.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
      }
    } finally {
      await prisma.$disconnect();
      await pool.end();
    }
  });

  it("is unavailable when the connection drops mid-handshake or a pooled connect times out (a loaded restart)", async () => {
    // A "server" that accepts and hangs up at once, and one that accepts and never answers: what a restarting
    // PostgreSQL looks like to an instance under load. Through Prisma these arrive wrapped in its own errors.
    const sockets: import("node:net").Socket[] = [];
    const listen = async (onSocket: (s: import("node:net").Socket) => void) => {
      const server = createServer((sock) => {
        sockets.push(sock);
        onSocket(sock);
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      return { server, port: (server.address() as { port: number }).port };
    };
    const hangsUp = await listen((sock) => sock.destroy());
    const silent = await listen(() => {});
    const pools = [
      new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${hangsUp.port}/postgres` }),
      new pg.Pool({
        connectionString: `postgres://postgres@127.0.0.1:${silent.port}/postgres`,
        connectionTimeoutMillis: 200,
      }),
    ];
    try {
      for (const pool of pools) {
        const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
        const errors = [
          await caught(() => prisma.agent.findFirst()),
          await caught(() => prisma.$queryRawUnsafe("SELECT 1")),
          await caught(() => prisma.$transaction(async (tx) => tx.agent.findFirst())),
        ];
        for (const e of errors) {
          expect(isDatabaseUnavailable(e), String(e)).toBe(true);
          expect(errorResponse(toAppError(e)).status).toBe(503);
        }
        await prisma.$disconnect();
      }
    } finally {
      for (const sock of sockets) sock.destroy();
      await Promise.all(pools.map((p) => p.end().catch(() => {})));
      hangsUp.server.close();
      silent.server.close();
    }
  });

  it("a session the server ended (shutdown, restart) is unavailable; a query that was wrong is not", () => {
    const ended = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
    expect(isDatabaseUnavailable(ended)).toBe(true);
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    // node-postgres's client after its socket died (a rollback after a restart's 57P01 meets it), bare or as
    // Prisma words it around the driver's message.
    const dead = "Client has encountered a connection error and is not queryable";
    expect(isDatabaseUnavailable(new Error(dead))).toBe(true);
    expect(isDatabaseUnavailable(new Error(`\nInvalid \`prisma.$executeRaw()\` invocation:\n\n${dead}`))).toBe(true);
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("starting up"), { code: "57P03" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("duplicate"), { code: "P2002" }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error("syntax"), { code: "42601" }))).toBe(false);
    expect(isDatabaseUnavailable(new Error("Connection terminated by the user? no"))).toBe(false);
    expect(toAppError(new Error("boom")).code).toBe("internal");
  });
});

describe("a database whose disk is full", () => {
  it("is storage_full (507) with a sentence that says so, for the server's SQLSTATE and for node's ENOSPC", async () => {
    const pgError = Object.assign(new Error('could not extend file "base/5/1": No space left on device'), {
      code: "53100",
    });
    const fsError = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    for (const e of [pgError, fsError, { meta: { driverAdapterError: { cause: { originalCode: "53100" } } } }]) {
      expect(isDiskFull(e)).toBe(true);
      const response = errorResponse(toAppError(e));
      expect(response.status).toBe(507);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error).toEqual({ code: "storage_full", message: expect.stringMatching(/disk is full/) });
    }
    expect(isDiskFull(Object.assign(new Error("x"), { code: "53200" }))).toBe(false);
  });
});
