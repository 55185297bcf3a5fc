import { z } from "zod";
import { checkpointFilePath, publicKeyPem, readCheckpointFile } from "@/lib/audit/checkpoints";
import { checkpointPolicy } from "@/lib/audit/checkpoint-job";
import { methods, route } from "@/lib/http/route";
import { readFileSync, existsSync } from "node:fs";

export const dynamic = "force-dynamic";

/**
 * The signed checkpoints, for auditors to poll and keep outside this system (SPEC §2 Audit entry):
 * JSON with the public key (`?after=<seq>` for the newer ones only), or the file itself
 * (`?format=jsonl`) for `npm run audit:verify`.
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
    handler: async ({ query }) => {
      if (query.format === "jsonl") {
        const file = checkpointFilePath();
        return new Response(existsSync(file) ? readFileSync(file, "utf8") : "", {
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
        checkpoints: checkpoints.filter((c) => BigInt(c.seq) > after),
      };
    },
  }),
});
