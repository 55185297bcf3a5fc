// Issue 21, items 5 and 6: webhook egress, on the real database and real local HTTP receivers.
// 5. An admin (or anyone who can add an endpoint) aims the webhook worker at the machine itself, the
//    network behind it or the cloud's metadata service; a receiver echoes secrets in its error body.
// 6. One receiver stalls (never answers) or swells (a huge 200) the worker.
// The egress tests run WITHOUT WEBHOOK_ALLOW_PRIVATE; the tests that need a local receiver on 127.0.0.1
// set it (and unset it afterwards), as an operator running a private receiver would.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { setFrozen } from "@/lib/action-types/mutations";
import { createWebhookEndpoint } from "@/lib/notifications/mutations";
import { deliverDue } from "@/lib/notifications/deliver";
import { listDeliveries } from "@/lib/notifications/data";
import { publicBaseUrl } from "@/lib/urls/public-url";
import { DEMO_RECEIVER_PATH } from "@/lib/notifications/demo-receiver-info";
import { newSubject, openWorld, RATIONALE, type World } from "../governance/world";

let w: World;
const servers: http.Server[] = [];
const sockets = new Set<import("node:net").Socket>();

beforeAll(async () => {
  w = await openWorld();
}, 120_000);
afterEach(async () => {
  delete process.env.WEBHOOK_ALLOW_PRIVATE;
  await w.db.webhookEndpoint.updateMany({ data: { enabled: false } });
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await w?.database.close();
});

/** A local receiver answering with `handler`; its URL is on 127.0.0.1. */
async function localReceiver(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

/** One notified change (a freeze) at `at`, delivered to every endpoint listening for tier.frozen. */
async function freezeSomething(at: Date) {
  const s = await newSubject(w.db, "low", new Date(at.getTime() - 86_400_000));
  await setFrozen(w.db, w.people.reviewer1, { actionTypeId: s.id, frozen: true, rationale: RATIONALE }, at);
  return s;
}

/** An endpoint row stored as it is (as one created before the egress rule, or by DNS that changed since). */
async function storedEndpoint(url: string) {
  return w.db.webhookEndpoint.create({
    data: {
      name: `stored ${url}`,
      url,
      kinds: ["tier.frozen"],
      secret: "whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0MTIzNA==",
    },
  });
}

describe("issue 21 item 5: webhooks go only to public addresses", () => {
  const refused = [
    "http://127.0.0.1/x",
    "http://[::1]/x",
    "http://0.0.0.0/x",
    "http://2130706433/x",
    "http://0x7f.1/x",
    "http://localhost:3000/x",
    "http://sub.localhost/x",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/x",
    "http://172.16.0.1/x",
    "http://192.168.1.1/x",
    "http://100.64.0.1/x",
    "http://[fd00::1]/x",
    "http://[fe80::1]/x",
    "http://[::ffff:169.254.169.254]/x",
    "http://[::ffff:127.0.0.1]/x",
    "http://[::]/x",
    "http://metadata.google.internal/computeMetadata/v1/",
  ];

  it.each(refused)(
    "ATTACK: an endpoint at %s is refused at creation with a clear error, and nothing is written",
    async (url) => {
      const before = await w.db.auditEntry.count();
      const err = await createWebhookEndpoint(w.db, SYSTEM_ACTOR, {
        name: "ssrf",
        url,
        kinds: ["tier.frozen"],
        format: "standard",
      }).then(
        () => null,
        (e: unknown) => e as { code?: string; message?: string },
      );
      expect(err, url).not.toBeNull();
      expect(err!.code).toBe("validation_failed");
      expect(err!.message).toMatch(/public address|not a public|private|loopback|metadata|link-local/i);
      expect(await w.db.webhookEndpoint.count({ where: { url } })).toBe(0);
      expect(await w.db.auditEntry.count()).toBe(before);
    },
  );

  it("the demo's built-in receiver is allowed by name", async () => {
    const demo = await createWebhookEndpoint(w.db, SYSTEM_ACTOR, {
      name: "demo",
      url: publicBaseUrl() + DEMO_RECEIVER_PATH,
      kinds: ["tier.frozen"],
      format: "standard",
    });
    expect(demo.url).toBe(publicBaseUrl() + DEMO_RECEIVER_PATH);
  });

  it("ATTACK: a stored endpoint on loopback is not delivered to at send time (resolved and refused then)", async () => {
    let hits = 0;
    const url = await localReceiver((_req, res) => {
      hits++;
      res.end("ok");
    });
    const endpoint = await storedEndpoint(url);
    const at = new Date();
    await freezeSomething(at);
    await deliverDue(w.db, at);
    expect(hits).toBe(0);
    const [d] = await listDeliveries(w.db, endpoint.id);
    expect(d!.status).not.toBe("delivered");
    expect(d!.lastError).toMatch(/not a public address/);
  });

  it("ATTACK: a receiver's 500 body (with a secret in it) is never kept nor shown; only the status and a short reason", async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE = "1"; // a local receiver
    const url = await localReceiver((_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" }).end("internal error; DB_PASSWORD=hunter2-sk_live_51Hsecret");
    });
    const endpoint = await createWebhookEndpoint(w.db, SYSTEM_ACTOR, {
      name: "echo",
      url,
      kinds: ["tier.frozen"],
      format: "standard",
    });
    const at = new Date();
    await freezeSomething(at);
    await deliverDue(w.db, at);
    const [d] = await listDeliveries(w.db, endpoint.id);
    expect(d).toMatchObject({ status: "pending", lastStatusCode: 500 });
    expect(d!.lastError).toContain("HTTP 500");
    expect(d!.lastError).not.toMatch(/hunter2|sk_live|DB_PASSWORD|internal error/);
  });

  it("a receiver named by a host name is reached at the address it resolved to (WEBHOOK_ALLOW_PRIVATE: a local receiver)", async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE = "1";
    let hits = 0;
    const url = (
      await localReceiver((_req, res) => {
        hits++;
        res.end("ok");
      })
    ).replace("127.0.0.1", "localhost");
    const endpoint = await createWebhookEndpoint(w.db, SYSTEM_ACTOR, {
      name: "by name",
      url,
      kinds: ["tier.frozen"],
      format: "standard",
    });
    const at = new Date();
    await freezeSomething(at);
    await deliverDue(w.db, at);
    expect(hits).toBe(1);
    expect((await listDeliveries(w.db, endpoint.id))[0]).toMatchObject({ status: "delivered", lastStatusCode: 200 });
  });

  it("follows no redirect", async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE = "1"; // local receivers
    let reached = 0;
    const target = await localReceiver((_req, res) => {
      reached++;
      res.end("ok");
    });
    const url = await localReceiver((_req, res) => res.writeHead(307, { location: target }).end());
    const endpoint = await createWebhookEndpoint(w.db, SYSTEM_ACTOR, {
      name: "redirect",
      url,
      kinds: ["tier.frozen"],
      format: "standard",
    });
    const at = new Date();
    await freezeSomething(at);
    await deliverDue(w.db, at);
    expect(reached).toBe(0);
    const [d] = await listDeliveries(w.db, endpoint.id);
    expect(d).toMatchObject({ status: "pending", lastStatusCode: 307 });
  });
});

describe("issue 21 item 6: one receiver neither stalls nor swells the worker", () => {
  it("ATTACK: a silent endpoint does not delay a healthy one (deliveries to different endpoints run in parallel)", async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE = "1"; // local receivers
    const events: string[] = [];
    const silent = await localReceiver((req) => {
      events.push("silent: request");
      req.socket.on("close", () => events.push("silent: closed"));
      // never answers
    });
    const healthy = await localReceiver((_req, res) => {
      events.push("healthy: request");
      res.end("ok");
    });
    const quiet = await createWebhookEndpoint(w.db, SYSTEM_ACTOR, {
      name: "silent",
      url: silent,
      kinds: ["tier.frozen"],
      format: "standard",
    });
    const good = await createWebhookEndpoint(w.db, SYSTEM_ACTOR, {
      name: "healthy",
      url: healthy,
      kinds: ["tier.frozen"],
      format: "standard",
    });
    const at = new Date();
    await freezeSomething(at);
    // The silent endpoint's delivery is due first.
    await w.db.webhookDelivery.updateMany({
      where: { endpointId: quiet.id },
      data: { nextAttemptAt: new Date(at.getTime() - 1000) },
    });
    await deliverDue(w.db, at);
    expect(events.indexOf("healthy: request")).toBeGreaterThanOrEqual(0);
    expect(events.indexOf("silent: request")).toBeGreaterThanOrEqual(0);
    // The healthy endpoint got its message while the silent one was still holding its request open.
    const closed = events.indexOf("silent: closed");
    expect(closed === -1 || events.indexOf("healthy: request") < closed, events.join(" → ")).toBe(true);
    expect((await listDeliveries(w.db, good.id))[0]).toMatchObject({ status: "delivered" });
    expect((await listDeliveries(w.db, quiet.id))[0]).toMatchObject({ status: "pending", lastStatusCode: null });
  }, 60_000);

  it("ATTACK: a huge 200 answer is not read whole: the receiver sees the connection closed after a few KiB", async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE = "1"; // a local receiver
    const TOTAL = 64 * 1024 * 1024;
    let written = 0;
    let finished = false;
    let closedAfter = -1;
    const chunk = Buffer.alloc(64 * 1024, 120);
    const url = await localReceiver((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(TOTAL) });
      res.on("finish", () => (finished = true));
      res.on("close", () => (closedAfter = written));
      const pump = () => {
        while (written < TOTAL && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        if (written >= TOTAL) res.end();
      };
      pump();
    });
    const endpoint = await createWebhookEndpoint(w.db, SYSTEM_ACTOR, {
      name: "swell",
      url,
      kinds: ["tier.frozen"],
      format: "standard",
    });
    const at = new Date();
    await freezeSomething(at);
    await deliverDue(w.db, at);
    await new Promise((r) => setTimeout(r, 200));
    expect(finished).toBe(false); // the answer was never read to its end
    expect(closedAfter).toBeGreaterThanOrEqual(0);
    expect(closedAfter).toBeLessThan(16 * 1024 * 1024); // what the kernel buffered, not the 64 MiB
    expect((await listDeliveries(w.db, endpoint.id))[0]).toMatchObject({ status: "delivered", lastStatusCode: 200 });
  }, 60_000);

  it("ATTACK: the delivery lease outlasts a batch: a second worker 25 s into a stalled batch does not resend what the first still holds", async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE = "1"; // a local receiver
    const ids: string[] = [];
    const url = await localReceiver((req) => {
      ids.push(String(req.headers["webhook-id"]));
      // never answers
    });
    const endpoint = await createWebhookEndpoint(w.db, SYSTEM_ACTOR, {
      name: "stall",
      url,
      kinds: ["tier.frozen"],
      format: "standard",
    });
    const at = new Date();
    for (let i = 0; i < 3; i++) await freezeSomething(at);
    const first = deliverDue(w.db, at);
    for (let i = 0; i < 100 && ids.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(ids).toHaveLength(1);
    // Another worker (another instance, or the next tick) when the first batch has been running 25 s.
    await deliverDue(w.db, new Date(at.getTime() + 25_000));
    await first;
    expect(new Set(ids).size).toBe(ids.length); // no message was sent twice while held
    expect(await listDeliveries(w.db, endpoint.id)).toHaveLength(3);
  }, 60_000);
});
