// Slow clients and exposure (SPEC §6, issue 12 items 7–8), against the real server: a socket that
// sends its headers slowly, or its body slowly, is closed once HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS
// have passed (node's defaults let it hold a connection for minutes); and the embedded default
// listens on 127.0.0.1 only unless HOST says otherwise.
import net from "node:net";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let key: string;
const HEADERS_TIMEOUT_MS = 1_500;
const REQUEST_TIMEOUT_MS = 3_000;

/** Opens a socket, sends `head`, then `drip` every 200 ms until the server closes it; resolves with how long it stayed open and what it answered. */
function trickle(head: string, drip: string): Promise<{ ms: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let answer = "";
    const socket = net.connect(server.port, "127.0.0.1", () => socket.write(head));
    const timer = setInterval(() => socket.writable && socket.write(drip), 200);
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error("the server kept the slow socket open for 20 s"));
    }, 20_000);
    socket.on("data", (d) => (answer += d));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ ms: Date.now() - started, answer });
    });
  });
}

beforeAll(async () => {
  // HOST empty: the default, as `npm start` has it
  server = await startServer({
    HOST: "",
    HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  });
  key = await createKey(server.baseUrl, "support-bot", "slow clients");
}, 180_000);
afterAll(async () => server?.stop());

describe("slow clients are cut off", () => {
  it("headers sent one line at a time, never finished → closed after the headers timeout", async () => {
    const { ms, answer } = await trickle("GET /api/health HTTP/1.1\r\nHost: localhost\r\n", "X-Slow: 1\r\n");
    expect(ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(ms).toBeLessThan(HEADERS_TIMEOUT_MS + 3_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it.each(["/api/v1/events", "/api/v1/decisions"])(
    "a body to %s sent a byte at a time → closed after the request timeout",
    async (path) => {
      const head = `POST ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"events":[`;
      const { ms } = await trickle(head, " ");
      expect(ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
      expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + 3_000);
    },
  );

  it("a normal request on the same server is answered", async () => {
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
  });
});

describe("exposure", () => {
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
  it.skipIf(!external)("the embedded default does not answer on the machine's other addresses", async () => {
    const reached = await new Promise<boolean>((resolve) => {
      const socket = net.connect(server.port, external!, () => (socket.destroy(), resolve(true)));
      socket.on("error", () => resolve(false));
      socket.setTimeout(2_000, () => (socket.destroy(), resolve(false)));
    });
    expect(reached).toBe(false);
    expect((await fetch(`http://127.0.0.1:${server.port}/api/health`)).status).toBe(200);
  });
});
