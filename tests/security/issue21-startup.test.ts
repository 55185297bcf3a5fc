// Issue 21 item 9: production without a usable audit signing key used to start ("ready") and then log
// an error every 5 s. It must refuse to start, in one line, like a missing AUTH_SECRET.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startServer } from "../helpers/server";

describe("9. production without a usable audit signing key", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cwr-i21-key-"));
  const notAKey = path.join(dir, "not-a-key.pem");
  writeFileSync(notAKey, "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n");

  for (const [what, env] of [
    ["a key file that does not exist", { AUDIT_SIGNING_KEY_FILE: path.join(dir, "missing.pem") }],
    ["a key file that holds no key", { AUDIT_SIGNING_KEY_FILE: notAKey }],
    ["a key text that is no key", { AUDIT_SIGNING_KEY: "garbage" }],
  ] as const) {
    it(`refuses to start with ${what}, in one line`, async () => {
      let started: Awaited<ReturnType<typeof startServer>> | undefined;
      let failure = "";
      try {
        started = await startServer(env);
      } catch (e) {
        failure = (e as Error).message;
      }
      await started?.stop();
      expect(started, "the server became ready").toBeUndefined();
      expect(failure).toMatch(/exited with 1/);
      const lines = failure.split("\n").filter((l) => /cannot start/.test(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/AUDIT_SIGNING_KEY/);
    }, 180_000);
  }
});
