import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { waitingSuggestions } from "@/lib/proposals/data";
import { SuggestionsQueue } from "@/components/SuggestionsQueue";
import { decideSuggestionAction } from "../suggestion-actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Suggestions" };

// CRAWL's human act (SPEC §8): the agent suggests, a person decides here.
export default async function SuggestionsPage() {
  await requirePageUser("suggestion:decide", "/suggestions");
  const groups = await waitingSuggestions(await getDb());
  return (
    <section>
      <h1 className="text-xl font-semibold">Suggestions</h1>
      <p className="mb-4 text-sm text-slate-600">
        What agents in CRAWL propose, waiting for a person: per agent and action type, oldest first. Accept, accept with
        edited parameters, or reject with a reason. The agent may then execute exactly what was accepted, once.
      </p>
      <SuggestionsQueue groups={groups} decide={decideSuggestionAction} />
    </section>
  );
}
