// Evidence by source as people read it (issue 22 item 4): support-bot's ticket.reply is reported by
// the helpdesk's reporter key and its WALK is attested; the page says both, and the policy editor
// sets the field per tier (dropping attested is a loosening).
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";

async function openActionType(page: Page, key: string) {
  await page.goto("/");
  await page.locator(`[data-testid="overview-row"][data-action-key="${key}"]`).getByTestId("action-link").click();
  await expect(page.getByRole("heading", { level: 1, name: key })).toBeVisible();
}

test("the action type page shows the stay's evidence by source and that WALK is attested", async ({ page }) => {
  await signIn(page, "viewer@demo.local");
  await openActionType(page, "ticket.reply");
  await expect(page.getByTestId("evidence-sources")).toHaveText(
    /^This stay: [\d,]+ outcomes: [1-9][\d,]* reported by helpdesk, 0 decided by people, 0 self-reported\.$/,
  );
  await expect(page.getByTestId("evidence-attested")).toHaveText(
    "Only outcomes reported by helpdesk or decided by people count for promotion out of WALK.",
  );
  await openActionType(page, "ticket.tag");
  await expect(page.getByTestId("evidence-sources")).toContainText("0 reported by helpdesk");
  await expect(page.getByTestId("evidence-attested")).toHaveCount(0);
});

test("the policy editor sets evidence per tier; attested → any is a loosening", async ({ page }) => {
  await signIn(page, "admin@demo.local");
  await openActionType(page, "ticket.reply");
  await page.getByRole("link", { name: "Edit bars" }).click();
  const walk = page.getByLabel("Evidence that promotes out of WALK");
  await expect(walk).toHaveValue("attested");
  await walk.selectOption("any");
  await expect(page.getByTestId("policy-verdict")).toContainText("Loosening");
  await walk.selectOption("attested");
  await page.getByLabel("Evidence that promotes out of CRAWL").selectOption("attested");
  await expect(page.getByTestId("policy-verdict")).toContainText("Tightening");
});
