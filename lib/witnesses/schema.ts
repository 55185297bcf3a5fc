// Inputs of the witness settings (Audit → Witnesses, admins only).
import { z } from "zod";

export const witnessAddSchema = z.strictObject({
  vkey: z
    .string({ error: "required" })
    .trim()
    .min(1, "required")
    .max(300, "at most 300 characters")
    .regex(/^[^\s+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/, "a witness key: <name>+<8 hex digits>+<base64 key>"),
});

export const witnessQuorumSchema = z.strictObject({
  quorum: z.int({ error: "a whole number" }).min(1, "at least 1").max(20, "at most 20"),
});

/** What a witness posts back (public; the cosignature is its own authentication). */
export const cosignatureSubmitSchema = z.strictObject({
  /** the checkpoint the witness verified: its signed note or just its body */
  checkpoint: z.string().min(1).max(4000),
  /** one C2SP note signature line "— <name> <base64>" */
  cosignature: z.string().min(1).max(400),
});
