// The demo's suggestions (SPEC §8): support-bot proposes refunds while refund.issue is in CRAWL; the
// operator decided some in the last hours (accepted, edited, rejected) and some wait in the queue.
import type { Db } from "@/lib/db";
import type { UserPrincipal } from "@/lib/auth/actor";
import { createProposal, decideSuggestion } from "@/lib/proposals/mutations";
import { refundProposal } from "./refunds";

const HOUR_MS = 3_600_000;

type Demo = { amount: number; order: string; why: string; decide?: "accept" | "edit" | "reject" };

const REFUNDS: Demo[] = [
  { order: "A-10412", amount: 39.9, why: "damaged parcel, photo attached", decide: "accept" },
  { order: "A-10437", amount: 120, why: "double charge on the card", decide: "edit" },
  { order: "A-10451", amount: 64.5, why: "customer changed their mind after 40 days", decide: "reject" },
  { order: "A-10466", amount: 18, why: "late delivery, voucher asked", decide: "accept" },
  { order: "A-10478", amount: 89, why: "item not as described" },
  { order: "A-10490", amount: 25.5, why: "missing item in the parcel" },
];

export async function seedSuggestions(
  db: Db,
  agent: { id: string; slug: string },
  operator: UserPrincipal,
  now: Date,
): Promise<void> {
  for (const [i, r] of REFUNDS.entries()) {
    const at = new Date(now.getTime() - (REFUNDS.length - i) * HOUR_MS);
    const { proposal } = await createProposal(db, agent, refundProposal(r.order, r.amount, r.why), at);
    const decidedAt = new Date(at.getTime() + 20 * 60_000);
    if (r.decide === "accept") await decideSuggestion(db, operator, proposal.id, { type: "accept" }, decidedAt);
    if (r.decide === "edit")
      await decideSuggestion(
        db,
        operator,
        proposal.id,
        { type: "edit", parameters: { ...proposal.parameters, amount: r.amount / 2 } },
        decidedAt,
      );
    if (r.decide === "reject")
      await decideSuggestion(
        db,
        operator,
        proposal.id,
        { type: "reject", reason: "Outside the 30-day refund window; offered a voucher instead." },
        decidedAt,
      );
  }
}
