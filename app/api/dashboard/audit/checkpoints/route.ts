import { z } from "zod";
import { checkpointFilePath, publicKeyPem, readCheckpointFile } from "@/lib/audit/checkpoints";
import { checkpointPolicy } from "@/lib/audit/checkpoint-job";
import { sealHorizon } from "@/lib/audit/data";
import { checkpointsForReaders } from "@/lib/audit/seal";
import { methods, route } from "@/lib/http/route";
import { readFileSync, existsSync } from "node:fs";

export const dynamic = "force-dynamic";

/**
 * The signed checkpoints, for auditors to poll and keep outside this system (SPEC §2 Audit entry):
 * JSON with the public key (`?after=<seq>` for the newer ones only), or the file itself
 * (`?format=jsonl`) for `npm run audit:verify`. While requests are open, only checkpoints up to the
 * seal horizon (lib/audit/seal.ts): a later one would count their review entries.
 */
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route({
    name: "GET /api/dashboard/audit/checkpoints",
    auth: "session",
    permission: "audit:read",
    query: z.strictObject({
      after: z
        .string()
        .regex(/^\d{1,18}$/)
        .optional(),
      format: z.enum(["json", "jsonl"]).optional(),
    }),
    handler: async ({ db, query }) => {
      const horizon = await sealHorizon(db);
      if (query.format === "jsonl") {
        const file = checkpointFilePath();
        const text = existsSync(file) ? readFileSync(file, "utf8") : "";
        return new Response(horizon === null ? text : linesUpTo(text, horizon), {
          headers: {
            "content-type": "application/jsonl; charset=utf-8",
            "content-disposition": 'attachment; filename="audit-checkpoints.jsonl"',
            "cache-control": "no-store",
          },
        });
      }
      const after = query.after ? BigInt(query.after) : -1n;
      const { checkpoints } = readCheckpointFile();
      return {
        publicKey: publicKeyPem(),
        policy: checkpointPolicy(),
        checkpoints: checkpointsForReaders(checkpoints, horizon).filter((c) => BigInt(c.seq) > after),
      };
    },
  }),
});

/** The file's lines up to the horizon; an unreadable line is kept, for the verifier to name. */
function linesUpTo(text: string, horizon: bigint): string {
  return text
    .split("\n")
    .filter((line) => {
      try {
        return BigInt((JSON.parse(line) as { seq: string }).seq) <= horizon;
      } catch {
        return line.trim() !== "";
      }
    })
    .map((line) => `${line}\n`)
    .join("");
}
