import type { EventKind } from "@/lib/gating/types";
import type { EventKind as DbEventKind } from "@/lib/db/generated/enums.ts";

/** Prisma names enum members without dots (`action_completed`); the wire and the database use `action.completed`. */
export const fromDbKind = (kind: DbEventKind) => kind.replace("_", ".") as EventKind;
