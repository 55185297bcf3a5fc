// Issue 16 journey: an admin ramps RUN's slider 5 % → 25 % on scale.adjust; a reviewer sees the what-if
// replay beside the loosening and approves; the agent's decisions for a fixed set of subjects change
// exactly as the percentage says (only subjects whose bucket lies under 25 % are added, none removed).
import { expect, test, type Browser, type Page } from "@playwright/test";
import { insideSlider } from "@cwr/gating/slider";
import { signIn } from "./helpers";

const SUBJECTS = Array.from({ length: 300 }, (_, i) => `customer-${i}`);

async function as(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  return page;
}

async function setSliderPercent(page: Page, id: string, percent: number, reason: string) {
  await page.goto(`/action-types/${id}/policy`);
  await page.getByLabel("Share of external subjects (%)").fill(String(percent));
  await page.getByLabel("Why change it? (at least 20 characters, kept with the version)").fill(reason);
}

test("an admin proposes 5 → 25 %, a reviewer approves beside the replay, the agent's subjects follow", async ({
  page,
  browser,
  request,
}) => {
  await signIn(page, "admin@demo.local");
  // The agent's key.
  await page.goto("/admin/agents/infra-bot");
  const keyForm = page.getByRole("form", { name: "Create API key" });
  await keyForm.getByLabel("Key name").fill("slider-journey");
  await keyForm.getByRole("button", { name: "Create key" }).click();
  const secret = (await page.getByTestId("new-key-secret-value").textContent())!.trim();
  const auth = { authorization: `Bearer ${secret}` };

  await page.goto("/");
  await page.locator('[data-testid="overview-row"][data-action-key="scale.adjust"]').getByTestId("action-link").click();
  await expect(page).toHaveURL(/\/action-types\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop()!;
  await expect(page.getByTestId("slider-percent")).toHaveText("100% of external subjects");

  // Lowering to 5 % is a tightening: at once.
  await setSliderPercent(page, id, 5, "Start customer-facing capacity changes on a small share of customers.");
  await expect(page.getByTestId("policy-verdict")).toHaveText(
    "Tightening: it applies at once as a new policy version.",
  );
  await page.getByRole("button", { name: "Apply tightening" }).click();
  await expect(page.getByText(/Tightening applied at once/)).toBeVisible();

  const decisions = async () => {
    const out = new Map<string, boolean>();
    for (const subject of SUBJECTS) {
      const res = await request.post("/api/v1/decisions", {
        headers: auth,
        data: { action: "scale.adjust", audience: "external", subject },
      });
      expect(res.status()).toBe(200);
      out.set(subject, ((await res.json()) as { allowed: boolean }).allowed);
    }
    return out;
  };
  const sliderOf = async () =>
    (
      (await (await request.get("/api/v1/tiers/scale.adjust", { headers: auth })).json()) as {
        slider?: { percent: number; salt: string };
      }
    ).slider;
  await expect.poll(async () => (await sliderOf())?.percent).toBe(5);
  const salt = (await sliderOf())!.salt;
  const at5 = await decisions();
  for (const s of SUBJECTS) expect(at5.get(s)).toBe(insideSlider(salt, s, 5));

  // Raising to 25 % is a loosening: a request, with the what-if replay in the editor before sending.
  await setSliderPercent(page, id, 25, "Capacity changes held on the first five percent; widen to a quarter.");
  await expect(page.getByTestId("policy-verdict")).toHaveText(
    "Loosening: it will be sent for review and changes nothing until approved.",
  );
  await page.getByRole("button", { name: "Replay these bars over the recorded outcomes" }).click();
  // The replay compares like with like (issue 20): the proposed policy against the current one.
  await expect(page.getByTestId("replay-sentence")).toContainText("the proposed policy would have been");
  await expect(page.getByTestId("replay-sentence")).toContainText("the current policy");
  await page.getByRole("button", { name: "Send for review" }).click();
  const link = page.getByTestId("loosening-sent").getByRole("link").first();
  const requestId = (await link.getAttribute("href"))!.split("/").pop()!;
  // Nothing changed yet.
  expect((await sliderOf())?.percent).toBe(5);

  // A reviewer sees the replay beside the loosening and approves.
  let status = "open";
  for (const email of ["reviewer1@demo.local", "reviewer2@demo.local", "reviewer3@demo.local"]) {
    if (status !== "open") break;
    const r = await as(browser, email);
    await r.goto(`/requests/${requestId}`);
    await expect(r.getByTestId("replay")).toBeVisible();
    await expect(r.getByTestId("replay-sentence")).toContainText(
      /ending in (CRAWL|WALK|RUN) today; the current policy .*folded the same way/,
    );
    await expect(r.getByTestId("replay-chart")).toBeVisible();
    const form = r.getByTestId("review-form");
    await form
      .getByLabel("Your rationale (required, at least 20 characters)")
      .fill("The replay shows the same tier path; quality held at five percent.");
    await form.getByRole("button", { name: "Approve", exact: true }).click();
    const verdict = await r.getByRole("status").filter({ hasText: "Review recorded" }).textContent();
    status = /now (\w+)/.exec(verdict ?? "")?.[1] ?? "open";
    await r.context().close();
  }
  expect(status).toBe("applied");

  await expect.poll(async () => (await sliderOf())?.percent).toBe(25);
  const at25 = await decisions();
  for (const s of SUBJECTS) {
    expect(at25.get(s)).toBe(insideSlider(salt, s, 25));
    if (at5.get(s)) expect(at25.get(s)).toBe(true);
  }
  expect([...at25.values()].filter(Boolean).length).toBeGreaterThan([...at5.values()].filter(Boolean).length);
});
