import { z } from "zod";
import { NOTIFICATION_KINDS, STREAMED_KIND } from "./kinds";
import { ENDPOINT_FORMATS } from "./payload";

export const endpointInputSchema = z
  .strictObject({
    name: z.string({ error: "required" }).trim().min(1, "required").max(120, "at most 120 characters"),
    url: z
      .string({ error: "required" })
      .trim()
      .max(2000, "at most 2000 characters")
      .pipe(
        z.url({
          protocol: /^https?$/,
          error: "an http:// or https:// address, e.g. https://hooks.slack.com/services/…",
        }),
      ),
    kinds: z
      .array(z.enum(NOTIFICATION_KINDS, { error: "an event kind from the list" }))
      .min(1, "pick at least one event kind")
      .max(NOTIFICATION_KINDS.length),
    format: z.enum(ENDPOINT_FORMATS as ["standard", "slack"], { error: "standard or slack" }).default("standard"),
  })
  .refine((e) => e.format === "standard" || !e.kinds.includes(STREAMED_KIND), {
    message: "the audit stream (audit.entry) sends batches of entries: choose the standard format",
    path: ["kinds"],
  });
export type EndpointInput = z.output<typeof endpointInputSchema>;
