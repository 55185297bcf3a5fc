// A real local HTTP receiver for webhook tests: it can be down (port closed), answer with any status,
// and records every delivery with its headers and raw body.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  /** path and query the delivery was sent to */
  path: string;
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** the status the receiver answers with (200 unless set) */
  status: number;
  up(): Promise<void>;
  down(): Promise<void>;
}

/** A free port, found by listening once and closing again. */
async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function receiver(): Promise<Receiver> {
  const port = await freePort();
  let server: http.Server | null = null;
  const r: Receiver = {
    url: `http://127.0.0.1:${port}/hook`,
    received: [],
    status: 200,
    async up() {
      if (server) return;
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          r.received.push({
            path: req.url ?? "",
            id: String(req.headers["webhook-id"] ?? ""),
            timestamp: String(req.headers["webhook-timestamp"] ?? ""),
            signature: String(req.headers["webhook-signature"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
          });
          res.writeHead(r.status, { "content-type": "text/plain" }).end(r.status < 300 ? "ok" : "try later");
        });
      });
      await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    },
    async down() {
      const s = server;
      server = null;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
  return r;
}
