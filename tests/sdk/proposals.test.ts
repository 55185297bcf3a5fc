// The SDK's proposal methods against the real server: propose, awaitDecision (long poll, bounded),
// consume (refused in the API's own error code while nothing is granted).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, startServer, type TestServer } from "../helpers/server";
import { createClient, CwrApiError, type CwrClient } from "@cwr/sdk";

let server: TestServer;
let client: CwrClient;

beforeAll(async () => {
  server = await startServer({ JOBS: "off" });
  client = createClient({
    baseUrl: server.baseUrl,
    apiKey: await createKey(server.baseUrl, "support-bot"),
    lazy: true,
  });
}, 180_000);
afterAll(async () => {
  await client?.close();
  await server?.stop();
});

describe("SDK proposals", () => {
  it("proposes, waits for a decision that does not come, and cannot consume a pending proposal", async () => {
    const idempotencyKey = `sdk-${randomUUID()}`;
    const input = {
      idempotencyKey,
      action: "refund.issue",
      audience: "external" as const,
      subject: "customer:7",
      summary: "Refund order B-7 (late delivery)",
      parameters: { order: "B-7", amount: 20 },
    };
    const proposed = await client.propose(input);
    expect(proposed).toMatchObject({ status: "pending", digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await client.propose(input)).id).toBe(proposed.id);

    const waited = await client.awaitDecision(proposed.id, { timeoutMs: 1000 });
    expect(waited.status).toBe("pending");
    expect(waited.decision).toBeNull();

    const refused = await client.consume(proposed.id, proposed.digest).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CwrApiError);
    expect(refused).toMatchObject({ status: 409, code: "not_granted" });

    const unknown = await client
      .propose({ ...input, idempotencyKey: `sdk-${randomUUID()}`, action: "nope.never" })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ status: 422 });
  });
});
