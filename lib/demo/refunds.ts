// The refund proposal a demo agent makes for an order: the seed's and the live agent's one shape.
export function refundProposal(order: string, amount: number, why: string) {
  return {
    idempotencyKey: `refund-${order}`,
    action: "refund.issue",
    audience: "external" as const,
    subject: `customer:${order}`,
    summary: `Refund ${amount.toFixed(2)} EUR for order ${order} (${why})`,
    parameters: { order, amount, currency: "EUR", reason: why },
  };
}

export const REFUND_REASONS = [
  "damaged parcel, photo attached",
  "double charge on the card",
  "item not as described",
  "missing item in the parcel",
  "late delivery, voucher asked",
];
