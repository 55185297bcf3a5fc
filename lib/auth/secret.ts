// AUTH_SECRET from the environment; on the embedded default a random one is made once and kept
// beside the data, so sessions survive restarts without anyone having to configure a secret.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

let cached: string | undefined;

export function authSecret(): string {
  if (cached) return cached;
  const fromEnv = process.env.AUTH_SECRET?.trim();
  if (fromEnv) return (cached = fromEnv);
  if (process.env.DATABASE_URL) throw new Error("AUTH_SECRET must be set when DATABASE_URL is set (production).");
  const file = path.resolve(
    /*turbopackIgnore: true*/ process.cwd(),
    process.env.PGLITE_DIR?.trim() || ".data/pglite",
    "..",
    "auth-secret",
  );
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  }
  return (cached = readFileSync(file, "utf8").trim());
}
