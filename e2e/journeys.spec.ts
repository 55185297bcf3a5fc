// End-to-end journeys of SPEC §3 and §5, through the real UI of the production build.
// One shared seeded database per run and tests run in order: each journey works on its own action
// type(s) and sets up its own preconditions through the UI, so none depends on another.
//
//   ticket.escalate  (1) an engineer opens a promotion request; the requester cannot review it
//   ticket.reply     (2) two reviewers approve blind; the second approval applies it
//   deploy.rollback  (3) a reviewer rejects, after a too-short rationale is refused
//   discount.offer   (4) an admin override: banner, one more approval, OVERRIDE in the timeline
//   lead.enrich      (7) a viewer (and an auditor) cannot review
//   dns.change       (5) policy loosening goes to review; tightening applies at once
//   (audit)          (6) an auditor filters, exports CSV and sees the chain verified
import { readFile } from "node:fs/promises";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { AUDIT_CSV_HEADER, parseCsv } from "../tests/helpers/csv";
import { screenshot, signIn } from "./helpers";

/** A full-page screenshot with the pointer parked off the charts (no stray Recharts tooltip). */
async function shot(page: Page, name: string) {
  await page.mouse.move(0, 0);
  await screenshot(page, name);
}

const NAMES = {
  viewer: "Vera Viewer (engineer)",
  reviewer1: "Rosa Reviewer",
  reviewer2: "Raj Reviewer",
  reviewer3: "Rene Reviewer",
  admin: "Ada Admin",
};

/** A signed-in page in a browser context of its own (its own cookies), for multi-user journeys. */
async function as(browser: Browser, email: string, returnTo = "/"): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email, returnTo);
  return page;
}

function overviewRow(page: Page, key: string) {
  return page.locator(`[data-testid="overview-row"][data-action-key="${key}"]`);
}

/** From the overview to the action type page; returns its id. */
async function openActionType(page: Page, key: string): Promise<string> {
  await page.goto("/");
  await overviewRow(page, key).getByTestId("action-link").click();
  await expect(page).toHaveURL(/\/action-types\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: key })).toBeVisible();
  return page.url().split("/").pop()!;
}

/** The request row on an action type page (or the requests list) whose change text matches; returns the request id. */
async function requestIdFrom(page: Page, filter: { hasText: string | RegExp }): Promise<string> {
  const row = page.getByTestId("request-row").filter(filter);
  await expect(row).toHaveCount(1);
  const id = await row.getAttribute("data-request-id");
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return id!;
}

async function openRequestPage(page: Page, requestId: string) {
  await page.goto(`/requests/${requestId}`);
  // The tally shows only to those who may see it (blind counts, rule 3); the card is there either way.
  await expect(page.getByTestId("quorum").or(page.getByTestId("quorum-sealed"))).toBeVisible();
}

/** Reviews through the form and waits for the server's verdict; returns the result text. */
async function review(page: Page, decision: "Approve" | "Reject", rationale: string, expectStatus: string) {
  const form = page.getByTestId("review-form");
  await form.getByLabel("Your rationale (required, at least 20 characters)").fill(rationale);
  await expect(form).toContainText("OK.");
  if (decision === "Reject") {
    // Reject asks first: the first click only opens the confirmation.
    await form.getByRole("button", { name: "Reject…", exact: true }).click();
    await expect(form.getByRole("group", { name: "Confirm rejection" })).toContainText("closes it at once");
    await form.getByRole("button", { name: "Confirm reject", exact: true }).click();
  } else {
    await form.getByRole("button", { name: decision, exact: true }).click();
  }
  await expect(page.getByRole("status").filter({ hasText: "Review recorded" })).toContainText(
    `The request is now ${expectStatus}.`,
  );
  await expect(page.getByTestId("review-form")).toHaveCount(0);
}

test("(1) an engineer opens a promotion request on an eligible WALK action type; the requester cannot review it", async ({
  page,
}) => {
  await signIn(page, "viewer@demo.local");
  const row = overviewRow(page, "ticket.escalate");
  await expect(row).toHaveAttribute("data-tier", "WALK");
  await expect(row).toContainText("eligible");
  // A viewer has no tier actions on the overview.
  await expect(row.getByRole("button", { name: "Freeze" })).toHaveCount(0);

  await openActionType(page, "ticket.escalate");
  await expect(page.getByTestId("rate-chart")).toBeVisible();
  await expect(page.getByText("Eligible: every condition is met.")).toBeVisible();
  // Plain words first (issue 14): the gate's sentence says it clears; the statistics open on demand.
  await expect(page.getByTestId("gate-sentence")).toContainText("the gate clears");
  await expect(page.getByTestId("snapshot-preview")).toBeHidden();
  await page.getByTestId("gate-details").locator("summary").click();
  await expect(page.getByTestId("snapshot-preview")).toBeVisible();
  // Engineers neither override nor edit bars.
  await expect(page.getByRole("button", { name: "Open override request" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Edit bars" })).toHaveCount(0);

  await page.getByRole("button", { name: "Request promotion to RUN" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Request opened" })).toHaveText(
    "Request opened; it needs 1 approval(s).",
  );
  const requestId = await requestIdFrom(page, { hasText: "WALK → RUN" });
  const requestRow = page.locator(`[data-testid="request-row"][data-request-id="${requestId}"]`);
  await expect(requestRow).toContainText("open");
  // Blind counts (rule 3): the list shows no tally of an open request to those who have not reviewed it.
  await expect(requestRow).toContainText("? / 1");
  await expect(requestRow).toContainText(`by ${NAMES.viewer}`);
  // Only one open request per action type: the button is now disabled and the reason shown.
  await expect(page.getByRole("button", { name: "Request promotion to RUN" })).toBeDisabled();
  await shot(page, "journey-1-request-opened");

  // The requests list shows it under "open".
  await page.goto("/requests");
  await expect(page.locator(`[data-testid="request-row"][data-request-id="${requestId}"]`)).toContainText(
    "Escalate a ticket ticket.escalate",
  );

  // The requester's own request: no review form, and the page says why.
  await page
    .locator(`[data-testid="request-row"][data-request-id="${requestId}"]`)
    .getByRole("link", { name: "view", exact: true })
    .click();
  await expect(page).toHaveURL(new RegExp(`/requests/${requestId}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Escalate a ticket: WALK → RUN");
  await expect(page.getByText(`Requested by ${NAMES.viewer}`)).toBeVisible();
  await expect(page.getByTestId("pinned")).toContainText("WALK");
  await expect(page.getByTestId("live")).toContainText("WALK");
  await expect(page.getByTestId("review-form")).toHaveCount(0);
  await expect(page.getByText("You opened this request, so you cannot review it.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Withdraw" })).toBeVisible();
  await shot(page, "journey-1-requester-cannot-review");
});

test("(2) two reviewers approve blind; the second approval applies the promotion and the overview shows RUN", async ({
  page,
  browser,
}) => {
  // The engineer opens a request on a medium-radius type: WALK → RUN needs 2 approvals.
  await signIn(page, "viewer@demo.local");
  await openActionType(page, "ticket.reply");
  await page.getByRole("button", { name: "Request promotion to RUN" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Request opened" })).toHaveText(
    "Request opened; it needs 2 approval(s).",
  );
  const requestId = await requestIdFrom(page, { hasText: "WALK → RUN" });

  // Reviewer 1: reviews are hidden before reviewing; pinned and live evidence side by side.
  const r1 = await as(browser, "reviewer1@demo.local");
  await openRequestPage(r1, requestId);
  await expect(r1.getByTestId("reviews-hidden")).toContainText("stay hidden until you submit yours");
  await expect(r1.getByTestId("pinned")).toContainText("Pinned snapshot (what you judge)");
  await expect(r1.getByTestId("live")).toContainText("Live now");
  // Blindness covers counts: no tally before reviewing (issue 21).
  await expect(r1.getByTestId("quorum-sealed")).toContainText("Your review is pending");
  await expect(r1.getByTestId("review-form")).toBeVisible();
  await shot(r1, "journey-2-blind-before-review");
  const rationale1 = "Completion rate is well above the WALK bar across the whole window; approve.";
  await review(r1, "Approve", rationale1, "open");
  // After submitting: their own review is visible, the form is gone, the tally moved.
  await expect(r1.getByTestId("reviews-hidden")).toHaveCount(0);
  await expect(r1.getByTestId("reviews")).toContainText(`approve by ${NAMES.reviewer1}`);
  await expect(r1.getByTestId("reviews")).toContainText(rationale1);
  await expect(r1.getByText("You have reviewed this snapshot.")).toBeVisible();
  await expect(r1.getByText("1 of 2 approvals on the current snapshot")).toBeVisible();
  await shot(r1, "journey-2-after-own-review");

  // The requester still cannot see the review (blind until the request closes).
  await openRequestPage(page, requestId);
  await expect(page.getByTestId("reviews-hidden")).toContainText("stay hidden until the request closes");
  await expect(page.getByTestId("quorum-sealed")).toContainText("Review is pending");
  await expect(page.getByText(rationale1)).toHaveCount(0);

  // Reviewer 2: one hidden review, then approves; the quorum applies the promotion.
  const r2 = await as(browser, "reviewer2@demo.local");
  await openRequestPage(r2, requestId);
  await expect(r2.getByTestId("reviews-hidden")).toContainText("stay hidden until you submit yours");
  await expect(r2.getByText(rationale1)).toHaveCount(0);
  const rationale2 = "Reviewed a sample of the reverted replies myself; nothing customer-harming. Approve.";
  await review(r2, "Approve", rationale2, "applied");
  await expect(r2.getByRole("heading", { level: 1 })).toContainText("applied");
  await expect(r2.getByTestId("reviews")).toContainText(`approve by ${NAMES.reviewer1}`);
  await expect(r2.getByTestId("reviews")).toContainText(`approve by ${NAMES.reviewer2}`);
  await shot(r2, "journey-2-applied");

  // The overview shows the new tier.
  await page.goto("/");
  await expect(overviewRow(page, "ticket.reply")).toHaveAttribute("data-tier", "RUN");
  await openActionType(page, "ticket.reply");
  const promotion = page.getByTestId("timeline").locator("li").first();
  await expect(promotion).toContainText("promotion WALK → RUN");
  await expect(promotion).toContainText(NAMES.reviewer2);
  await expect(page.getByText("RUN is the top tier.")).toBeVisible();
  await shot(page, "journey-2-action-type-run");
  await r1.context().close();
  await r2.context().close();
});

test("(3) a reviewer rejects a request with a rationale; a too-short rationale is refused first", async ({
  page,
  browser,
}) => {
  await signIn(page, "viewer@demo.local");
  await openActionType(page, "deploy.rollback");
  await page.getByRole("button", { name: "Request promotion to RUN" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Request opened" })).toBeVisible();
  const requestId = await requestIdFrom(page, { hasText: "WALK → RUN" });

  const r = await as(browser, "reviewer3@demo.local");
  await openRequestPage(r, requestId);
  const form = r.getByTestId("review-form");
  await form.getByLabel("Your rationale (required, at least 20 characters)").fill("Not convinced.");
  await expect(form).toContainText("7 more visible character(s) needed."); // letters and punctuation count, spaces do not (issue 12)
  await form.getByRole("button", { name: "Reject…", exact: true }).click();
  await form.getByRole("button", { name: "Confirm reject", exact: true }).click();
  const refusal = r.getByRole("alert").filter({ hasText: "at least 20 characters" });
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText("has 13");
  await shot(r, "journey-3-short-rationale-refused");
  // Nothing was recorded: still open, the form still there, no review counted.
  await r.reload();
  await expect(r.getByTestId("reviews-hidden")).toContainText("how many there are, stay hidden until you submit yours");
  await expect(r.getByTestId("review-form")).toBeVisible();

  const rationale = "Rollbacks during incident peaks reverted twice in the window; keep it at WALK for now.";
  await review(r, "Reject", rationale, "rejected");
  await expect(r.getByRole("heading", { level: 1 })).toContainText("rejected");
  await expect(r.getByTestId("reviews")).toContainText(`reject by ${NAMES.reviewer3}`);
  await expect(r.getByTestId("reviews")).toContainText(rationale);
  await shot(r, "journey-3-rejected");

  // Once closed, the requester sees the decision and why; nobody can review any more; the tier is unchanged.
  await openRequestPage(page, requestId);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("rejected");
  await expect(page.getByTestId("reviews")).toContainText(rationale);
  const r2 = await as(browser, "reviewer2@demo.local");
  await openRequestPage(r2, requestId);
  await expect(r2.getByTestId("review-form")).toHaveCount(0);
  await page.goto("/requests?status=rejected");
  await expect(page.locator(`[data-testid="request-row"][data-request-id="${requestId}"]`)).toContainText("rejected");
  await page.goto("/");
  await expect(overviewRow(page, "deploy.rollback")).toHaveAttribute("data-tier", "WALK");
  await r.context().close();
  await r2.context().close();
});

test("(4) an admin overrides an unmet bar with a justification: banner, one more approval, OVERRIDE in the timeline", async ({
  page,
  browser,
}) => {
  await signIn(page, "admin@demo.local");
  await expect(overviewRow(page, "discount.offer")).toHaveAttribute("data-tier", "CRAWL");
  await openActionType(page, "discount.offer");
  await expect(page.getByTestId("unmet")).toBeVisible();
  await expect(page.getByRole("button", { name: "Request promotion to WALK" })).toBeDisabled();

  const justificationBox = page.getByLabel("Written justification (at least 20 characters)");
  await justificationBox.fill("Deal desk asked.");
  await page.getByRole("button", { name: "Open override request" }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: "justification must be at least 20 characters" }),
  ).toBeVisible();
  await expect(page.getByTestId("request-row").filter({ hasText: "OVERRIDE" })).toHaveCount(0);

  const justification = "Quarter-end deal desk needs discounts at WALK; internal approvers check every offer.";
  await justificationBox.fill(justification);
  await page.getByRole("button", { name: "Open override request" }).click();
  // High radius: CRAWL → WALK normally needs 2; an override needs one more.
  await expect(page.getByRole("status").filter({ hasText: "Request opened" })).toHaveText(
    "Request opened; it needs 3 approval(s).",
  );
  const requestId = await requestIdFrom(page, { hasText: "OVERRIDE" });
  await shot(page, "journey-4-override-opened");

  await openRequestPage(page, requestId);
  const banner = page.getByTestId("override-banner");
  await expect(banner).toContainText("Override.");
  await expect(banner).toContainText("It needs 3 approvals (one more than usual)");
  await expect(banner).toContainText(justification);
  await expect(page.getByTestId("quorum-sealed")).toContainText("It needs 3 approvals");
  // The admin opened it, so the admin cannot approve it (no role can approve its own request).
  await expect(page.getByTestId("review-form")).toHaveCount(0);
  await expect(page.getByText("You opened this request, so you cannot review it.")).toBeVisible();
  await shot(page, "journey-4-override-request");

  // (7) An engineer sees the request but cannot review it.
  const viewer = await as(browser, "viewer@demo.local");
  await openRequestPage(viewer, requestId);
  await expect(viewer.getByTestId("override-banner")).toBeVisible();
  await expect(viewer.getByTestId("review-form")).toHaveCount(0);
  await expect(viewer.getByText("Your role cannot review requests.")).toBeVisible();
  await expect(viewer.getByTestId("reviews-hidden")).toContainText("until the request closes");

  const rationales = [
    "Offers stay internal at WALK and every one is checked by the deal desk; acceptable.",
    "Acceptance sits close to the bar and the offers are capped; fine as an override.",
    "Agreed with the justification; revisit after the quarter with fresh evidence.",
  ];
  const reviewers = ["reviewer1@demo.local", "reviewer2@demo.local", "reviewer3@demo.local"];
  for (const [i, email] of reviewers.entries()) {
    const r = await as(browser, email);
    await openRequestPage(r, requestId);
    await expect(r.getByTestId("override-banner")).toBeVisible();
    await expect(r.getByTestId("reviews-hidden")).toContainText("stay hidden until you submit yours");
    await expect(r.getByTestId("quorum-sealed")).toContainText("Your review is pending");
    await review(r, "Approve", rationales[i]!, i < 2 ? "open" : "applied");
    await expect(r.getByText(`${i + 1} of 3 approvals on the current snapshot`)).toBeVisible();
    await r.context().close();
  }

  // Marked forever: the banner stays on the applied request and the timeline says OVERRIDE.
  await openRequestPage(viewer, requestId);
  await expect(viewer.getByRole("heading", { level: 1 })).toContainText("applied");
  await expect(viewer.getByTestId("override-banner")).toBeVisible();
  await openActionType(page, "discount.offer");
  const entry = page.getByTestId("timeline").locator("li").first();
  await expect(entry).toContainText("⚠ OVERRIDE");
  await expect(entry).toContainText("CRAWL → WALK");
  await expect(entry.getByRole("link", { name: "request" })).toHaveAttribute("href", `/requests/${requestId}`);
  await expect(page.getByTestId("request-row").filter({ hasText: "OVERRIDE" })).toContainText("applied");
  await shot(page, "journey-4-timeline-override");
  await page.goto("/");
  await expect(overviewRow(page, "discount.offer")).toHaveAttribute("data-tier", "WALK");
  await viewer.context().close();
});

test("(7) a viewer and an auditor cannot review a request someone else opened", async ({ page, browser }) => {
  // A reviewer (who may open requests) asks for lead.enrich WALK → RUN.
  const requester = await as(browser, "reviewer3@demo.local");
  await openActionType(requester, "lead.enrich");
  await requester.getByRole("button", { name: "Request promotion to RUN" }).click();
  await expect(requester.getByRole("status").filter({ hasText: "Request opened" })).toHaveText(
    "Request opened; it needs 1 approval(s).",
  );
  const requestId = await requestIdFrom(requester, { hasText: "WALK → RUN" });

  await signIn(page, "viewer@demo.local");
  await openRequestPage(page, requestId);
  await expect(page.getByText(`Requested by ${NAMES.reviewer3}`)).toBeVisible();
  await expect(page.getByTestId("review-form")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await expect(page.getByText("Your role cannot review requests.")).toBeVisible();
  await expect(page.getByTestId("reviews-hidden")).toBeVisible();
  await shot(page, "journey-7-viewer-cannot-review");

  const auditor = await as(browser, "auditor@demo.local");
  await openRequestPage(auditor, requestId);
  await expect(auditor.getByTestId("review-form")).toHaveCount(0);
  await expect(auditor.getByText("Your role cannot review requests.")).toBeVisible();

  // The requester withdraws it again (and could not have reviewed it either).
  await openRequestPage(requester, requestId);
  await expect(requester.getByText("You opened this request, so you cannot review it.")).toBeVisible();
  await requester.getByRole("button", { name: "Withdraw" }).click();
  await expect(requester.getByText("Request withdrawn.")).toBeVisible();
  await expect(requester.getByRole("heading", { level: 1 })).toContainText("withdrawn");
  await expect(requester.getByRole("button", { name: "Withdraw" })).toHaveCount(0);
  await requester.context().close();
  await auditor.context().close();
});

test("(5) loosening a bar goes to review and changes nothing; tightening applies at once as a new version", async ({
  page,
  browser,
}) => {
  await signIn(page, "admin@demo.local");
  const id = await openActionType(page, "dns.change");
  const header = await page.locator("main header").textContent();
  const version = Number(/policy v(\d+)/.exec(header ?? "")![1]);
  await page.getByRole("link", { name: "Edit bars" }).click();
  await expect(page).toHaveURL(new RegExp(`/action-types/${id}/policy$`));
  await expect(page.getByText(`Bars of dns.change (policy v${version})`)).toBeVisible();

  // Bars are typed in percent, as every page shows them; the stored policy keeps fractions.
  const bar = page.getByLabel("Promotion bar (CRAWL→)");
  const beforePct = Number(await bar.inputValue());
  expect(beforePct).toBeGreaterThan(50);
  const lowerPct = beforePct - 2;
  const higherPct = beforePct + 2;
  const reason = page.getByLabel("Why change it? (at least 20 characters, kept with the version)");

  // Loosening.
  // Out of range: no verdict, an error in percent, and nothing can be sent.
  await bar.fill("880");
  await expect(page.getByTestId("policy-verdict")).toHaveCount(0);
  await expect(page.getByTestId("policy-problems")).toContainText(
    "promotion bar must be above 0% and below 100%, got 880%",
  );
  await expect(page.getByRole("button", { name: "Fix the values first" })).toBeDisabled();
  await expect(page.getByRole("button", { name: /Apply tightening|Send for review/ })).toHaveCount(0);
  await shot(page, "journey-5-out-of-range");
  await bar.fill(String(lowerPct));
  await expect(page.getByTestId("policy-verdict")).toHaveText(
    "Loosening: it will be sent for review and changes nothing until approved.",
  );
  await expect(page.getByTestId("policy-changes")).toContainText(
    `CRAWL promotion bar: ${beforePct}% → ${lowerPct}% — loosens (review)`,
  );
  await reason.fill("Acceptance of DNS suggestions has been steady; try a slightly lower bar.");
  await shot(page, "journey-5-loosening-verdict");
  await page.getByRole("button", { name: "Send for review" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Loosening sent for review" })).toContainText(
    /\(request [0-9a-f]{8}\)\./,
  );
  const prefix = /request ([0-9a-f]{8})/.exec(
    (await page.getByRole("status").filter({ hasText: "Loosening sent" }).textContent())!,
  )![1]!;
  // The form steps aside: no second click can open a twin request; the panel links to the request.
  await expect(page.getByRole("button", { name: "Send for review" })).toHaveCount(0);
  await expect(page.getByTestId("loosening-sent").getByRole("link")).toHaveAttribute(
    "href",
    new RegExp(`/requests/${prefix}`),
  );
  await expect(bar).toHaveValue(String(beforePct));
  // The policy version is unchanged.
  await expect(page.getByText(`Bars of dns.change (policy v${version})`)).toBeVisible();
  await page.getByRole("link", { name: "See requests" }).click();
  await expect(page).toHaveURL(/\/requests\?status=open$/);
  const row = page.locator(`[data-testid="request-row"][data-request-id^="${prefix}"]`);
  await expect(row).toContainText("policy loosening");
  await expect(row).toContainText("Change DNS dns.change");
  await row.getByRole("link", { name: "view" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Loosen the bars of Change DNS");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("open");
  await expect(page.getByText(`CRAWL promotion bar: ${beforePct}% → ${lowerPct}% (loosens)`)).toBeVisible();
  await shot(page, "journey-5-loosening-request");
  await page.goto(`/action-types/${id}`);
  await expect(page.locator("main header")).toContainText(`policy v${version}`);
  await expect(page.getByTestId("policy-history")).not.toContainText(`v${version + 1}`);

  // Tightening.
  await page.goto(`/action-types/${id}/policy`);
  await bar.fill(String(higherPct));
  await expect(page.getByTestId("policy-verdict")).toHaveText(
    "Tightening: it applies at once as a new policy version.",
  );
  await expect(page.getByTestId("policy-changes")).toContainText(
    `CRAWL promotion bar: ${beforePct}% → ${higherPct}% — tightens (at once)`,
  );
  await reason.fill("Public DNS mistakes are costly; raise the bar before any promotion.");
  await page.getByRole("button", { name: "Apply tightening" }).click();
  await expect(page.getByText(`Tightening applied at once as policy v${version + 1}.`)).toBeVisible();
  await expect(page.getByText(`Bars of dns.change (policy v${version + 1})`)).toBeVisible();
  await expect(page.getByLabel("Promotion bar (CRAWL→)")).toHaveValue(String(higherPct));
  await shot(page, "journey-5-tightening-applied");
  await page.goto(`/action-types/${id}`);
  await expect(page.locator("main header")).toContainText(`policy v${version + 1}`);
  const history = page.getByTestId("policy-history");
  await expect(history).toContainText(`v${version + 1}`);
  await expect(history).toContainText(`CRAWL promotion bar: ${beforePct}% → ${higherPct}% (tightens)`);
  await expect(history).toContainText("Public DNS mistakes are costly");
  await shot(page, "journey-5-policy-history");

  // The loosening was reviewed as a diff against v{version}: the tightening supersedes it, so it is
  // closed with the reason and nobody can approve it into undoing the tightening.
  const loosening = page.locator(`[data-testid="request-row"][data-request-id^="${prefix}"]`);
  const looseningId = (await loosening.getAttribute("data-request-id"))!;
  // Nobody withdrew it: it says "superseded", with the version that superseded it.
  await expect(loosening.getByTestId("status-badge")).toHaveText("superseded");
  await expect(loosening).toContainText(`superseded: the policy is now version ${version + 1}`);
  const r = await as(browser, "reviewer1@demo.local");
  await openRequestPage(r, looseningId);
  await expect(r.getByRole("heading", { level: 1 })).toContainText("superseded");
  await expect(r.getByRole("heading", { level: 1 })).not.toContainText("withdrawn");
  await expect(r.getByTestId("superseded-note")).toContainText("nobody withdrew it");
  await expect(r.getByTestId("review-form")).toHaveCount(0);
  await shot(r, "journey-5-stale-loosening-superseded");
  await r.context().close();
  await page.goto(`/action-types/${id}/policy`);
  await expect(page.getByLabel("Promotion bar (CRAWL→)")).toHaveValue(String(higherPct));
});

test("(6) an auditor filters the audit log by kind, exports CSV and sees the chain verified", async ({ page }) => {
  await signIn(page, "auditor@demo.local", "/audit");
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByTestId("chain-badge")).toContainText("Hash chain verified");
  const filters = page.getByRole("form", { name: "Filters" });
  // Kinds come from a list, not a free-text box.
  await filters.getByLabel("Kind").selectOption("tier.");
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/\/audit\?.*kind=tier\./);
  const rows = page.getByTestId("audit-row");
  await expect(rows.first()).toBeVisible();
  const kinds = await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind ?? ""));
  expect(kinds.length).toBeGreaterThan(0);
  for (const k of kinds) expect(k).toMatch(/^tier\./);
  await expect(page.getByTestId("chain-badge")).toContainText("verified");
  await shot(page, "journey-6-audit-filtered");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
  const csv = parseCsv(await readFile((await download.path())!, "utf8"));
  // Issue 25: the readable columns follow the machine ones (their positions hold).
  expect(csv[0]).toEqual(AUDIT_CSV_HEADER);
  const body = csv.slice(1);
  // The export ends at the seal horizon (blind counts, lib/audit/seal.ts): it holds every listed row
  // that carries its number; rows past the horizon are listed unnumbered and exported once it moves.
  const numbered = await rows.evaluateAll(
    (els) => els.filter((e) => (e as HTMLElement).dataset.sealed !== "true").length,
  );
  expect(body.length).toBeGreaterThanOrEqual(numbered);
  for (const r of body) {
    expect(r).toHaveLength(19);
    expect(r[4]).toMatch(/^tier\./);
    expect(r[11]).toMatch(/^[0-9a-f]{64}$/);
  }
  // The seed's and the journeys' promotions and overrides are in the export, with their rationale.
  const kindsInExport = new Set(body.map((r) => r[4]));
  expect(kindsInExport).toContain("tier.promotion");
  expect(kindsInExport).toContain("tier.override");
  expect(body.some((r) => r[4] === "tier.override" && r[9]!.includes("Override CRAWL → WALK approved by review"))).toBe(
    true,
  );

  // The JSON export follows the same filter.
  const href = await page.getByRole("link", { name: "Export JSON" }).getAttribute("href");
  expect(href).toContain("kind=tier.");
  const json = (await (await page.request.get(href!)).json()) as Array<{ kind: string }>;
  expect(json.length).toBe(body.length);
  expect(json.every((e) => e.kind.startsWith("tier."))).toBe(true);

  // The complete log ignores the filters: every entry in sequence, what audit:verify checks offline.
  const whole = await page.getByRole("link", { name: "Complete log (JSON, to verify)" }).getAttribute("href");
  expect(whole).toBe("/api/dashboard/audit/export?format=json");
  const all = (await (await page.request.get(whole!)).json()) as Array<{ seq: number | string; kind: string }>;
  expect(all.length).toBeGreaterThan(json.length);
  expect(all.map((e) => Number(e.seq))).toEqual(all.map((_, i) => i + 1));
  expect(all.some((e) => !e.kind.startsWith("tier."))).toBe(true);
});
