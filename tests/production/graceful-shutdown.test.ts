// Graceful shutdown of the real server: SIGTERM while a tier stream is open and a request is in
// flight → no new connection is accepted, the request completes, the stream ends with a reconnect
// advice, the jobs and the database close, and the process exits 0 within a few seconds.
// On the embedded database always; on PostgreSQL too when TEST_DATABASE_URL is set.
import { afterAll, describe, expect, it } from "vitest";
import { createKey, startServer, type TestServer } from "../helpers/server";
import { instanceEnv, openSse, PG_URL, readJson, scratchDatabase, sleep, type ScratchDatabase } from "./support";

const backends: Array<{ name: string; skip: boolean }> = [
  { name: "embedded PGlite", skip: false },
  { name: "PostgreSQL", skip: !PG_URL },
];

describe.each(backends)("graceful shutdown on $name", ({ name, skip }) => {
  let server: TestServer | undefined;
  let db: ScratchDatabase | undefined;
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it.skipIf(skip)(
    "finishes the request in flight, ends the streams and exits 0",
    async () => {
      let env: Record<string, string> = { ACCESS_LOG: "on" };
      if (name === "PostgreSQL") {
        db = await scratchDatabase();
        env = { ...instanceEnv(db.url), ...env };
      }
      server = await startServer(env);
      const key = await createKey(server.baseUrl, "support-bot", "shutdown test");
      const stream = await openSse(`${server.baseUrl}/api/v1/tiers/stream`, { authorization: `Bearer ${key}` });
      await stream.next((f) => f.event === "snapshot");

      // A request in flight: its body arrives in two parts, the second after the signal.
      const encoder = new TextEncoder();
      let body!: ReadableStreamDefaultController<Uint8Array>;
      const inFlight = fetch(`${server.baseUrl}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: new ReadableStream<Uint8Array>({ start: (c) => void (body = c) }),
        duplex: "half",
      } as RequestInit);
      body.enqueue(encoder.encode(`{"events":[{"idempotencyKey":"graceful-1","action":"refund.issue",`));
      await sleep(500);

      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        server!.process.once("exit", (code, signal) => resolve({ code, signal })),
      );
      const signalled = Date.now();
      process.kill(server.process.pid!, "SIGTERM");

      // The stream is ended politely (clients reconnect elsewhere and resume).
      await Promise.race([
        stream.ended,
        sleep(3_000).then(() => Promise.reject(new Error("the stream was not ended"))),
      ]);
      expect(stream.raw()).toContain("server shutting down");

      // No new connection is accepted.
      await expect(fetch(`${server.baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();

      // The request in flight completes normally.
      body.enqueue(
        encoder.encode(`"kind":"suggestion.accepted","tier":"CRAWL","occurredAt":"${new Date().toISOString()}"}]}`),
      );
      body.close();
      const res = await inFlight;
      const result = await readJson<{ accepted: number }>(res);
      expect(res.status).toBe(200);
      expect(result.accepted).toBe(1);

      // One JSON access-log line per request, under the id the response carries.
      const requestId = res.headers.get("x-request-id");
      expect(requestId).toBeTruthy();
      const line = server
        .logs()
        .split("\n")
        .find((l) => l.includes(requestId!));
      expect(JSON.parse(line!)).toMatchObject({
        level: "info",
        message: "request",
        requestId,
        route: "POST /api/v1/events",
        status: 200,
        ms: expect.any(Number),
      });

      const { code, signal } = await exited;
      const ms = Date.now() - signalled;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(ms).toBeLessThan(5_000);
      expect(server.logs()).toContain('"message":"shutdown complete"');
      if (db) {
        const [row] = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM outcome_events WHERE "idempotencyKey" = 'graceful-1'`,
        );
        expect(Number(row!.n)).toBe(1);
      }
    },
    240_000,
  );
});
