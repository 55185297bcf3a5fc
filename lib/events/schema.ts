import { z } from "zod";
import { EVENT_KINDS, SEVERITIES, TIERS, type EventKind } from "@cwr/gating/types";
import { isReservedEventKey } from "@cwr/gating/proposals";

/** An action type's key (e.g. refund.issue): the one rule for routes, forms, OpenAPI and ingestion. */
export const ACTION_KEY = /^[a-z0-9][a-z0-9._-]{0,127}$/;
export const actionKeySchema = z.string().regex(ACTION_KEY, `must match ${ACTION_KEY.source}`);

/** C0 controls (NUL included), DEL and C1 controls: refused, never stripped, in keys and references. */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
export const LONE_SURROGATE = /(?:^|[^\ud800-\udbff])[\udc00-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])/;

/** A string that names something (an idempotency key, a subject): no control characters, no lone surrogates. */
export function referenceSchema(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL_CHARACTER.test(s), "must not contain control characters (U+0000–U+001F, U+007F–U+009F)")
    .refine((s) => !LONE_SURROGATE.test(s), "must be well-formed Unicode (no lone surrogates)");
}

const MAX_METADATA_BYTES = 8 * 1024;
const MAX_METADATA_DEPTH = 8;
const FUTURE_TOLERANCE_MS = 5 * 60_000;

function depth(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((m, c) => Math.max(m, depth(c)), 0);
}

export const metadataSchema = z
  .record(z.string().max(128), z.unknown())
  .refine((m) => Buffer.byteLength(JSON.stringify(m), "utf8") <= MAX_METADATA_BYTES, "metadata must be at most 8 KiB")
  .refine((m) => depth(m) <= MAX_METADATA_DEPTH, "metadata must be at most 8 levels deep");

/** ISO 8601 with a zone (Z or ±hh:mm), not more than 5 minutes ahead of `now`. */
export function timestampSchema(now: () => Date) {
  return z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .refine(
      (d) => d.getTime() <= now().getTime() + FUTURE_TOLERANCE_MS,
      "must not be more than 5 minutes in the future",
    );
}

export function outcomeEventSchema(now: () => Date = () => new Date()) {
  return z
    .strictObject({
      idempotencyKey: referenceSchema(128),
      action: actionKeySchema,
      kind: z.enum(EVENT_KINDS),
      tier: z.enum(TIERS),
      occurredAt: timestampSchema(now),
      severity: z.enum(SEVERITIES).optional(),
      agentVersion: z.string().max(128).optional(),
      subjectRef: referenceSchema(256).optional(),
      metadata: metadataSchema.optional(),
      /** action.reverted only: the idempotency key of the action.completed it reverts (that success becomes a failure) */
      reverts: z.string().min(1).max(128).optional(),
    })
    .refine((e) => (e.kind === "incident") === (e.severity !== undefined), {
      message: "severity is required for an incident and only allowed on one",
      path: ["severity"],
    })
    .refine((e) => e.reverts === undefined || e.kind === "action.reverted", {
      message: "reverts is only allowed on an action.reverted",
      path: ["reverts"],
    })
    .refine((e) => e.reverts !== e.idempotencyKey, { message: "an event cannot revert itself", path: ["reverts"] })
    .refine((e) => !isReservedEventKey(e.idempotencyKey), {
      message: "keys starting with proposal: are reserved for the decisions on proposals",
      path: ["idempotencyKey"],
    });
}

export type OutcomeEventInput = z.output<ReturnType<typeof outcomeEventSchema>>;

export const MAX_BATCH = 1000;

/** A batch: each event is validated on its own by ingestEvents, so one bad event rejects only itself. */
export const eventBatchSchema = z
  .strictObject({ events: z.array(z.unknown()).min(1, "send at least one event") })
  .meta({ id: "EventBatch" });

/** Prisma names enum members without dots (`action_completed`); the wire and the database use `action.completed`. */
export const fromDbKind = (kind: string) => kind.replace("_", ".") as EventKind;
