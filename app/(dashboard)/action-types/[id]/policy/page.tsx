import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requirePageUser } from "@/lib/auth/session";
import { can } from "@cwr/gating/permissions";
import { getDb } from "@/lib/db";
import { currentPolicy } from "@/lib/policies/data";
import { actionTypeName } from "@/lib/action-types/data";
import { PolicyEditor } from "@/components/PolicyEditor";
import { PolicyInWords } from "@/components/PolicyInWords";
import { liveEvidence } from "@/lib/metrics/data";
import { listPoolCandidates } from "@/lib/users/data";
import { editPolicyAction } from "../../../policy-actions";
import { replayPolicyAction } from "../../../replay-actions";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) return { title: "Bars" };
  const at = await actionTypeName(await getDb(), id);
  return { title: at ? `Bars of ${at.key}` : "Bars" };
}

export default async function PolicyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Everyone who reads the dashboard may read the bars; only admins change them (the action checks too).
  const user = await requirePageUser("dashboard:read", `/action-types/${id}/policy`);
  if (!z.uuid().safeParse(id).success) notFound();
  const db = await getDb();
  const at = await actionTypeName(db, id);
  if (!at) notFound();
  const policy = await currentPolicy(db, id);
  const editable = can(user.role, "policy:edit");
  const live = await liveEvidence(db, id, new Date());
  const poolCandidates = await listPoolCandidates(db);
  return (
    <section>
      <h1 className="mb-1 text-xl font-semibold">{editable ? "Edit bars" : "Bars"}</h1>
      <p className="mb-4 text-sm text-slate-600">
        Tightening takes effect at once; any loosening (lower bar, fewer outcomes, shorter window or time, fewer
        reviewers, a weaker gate) is a request that needs review.
      </p>
      <div className="mb-4">
        <PolicyInWords rules={policy.rules} live={live} />
      </div>
      {editable ? (
        <PolicyEditor
          actionTypeId={id}
          actionKey={at.key}
          version={policy.version}
          current={policy.rules}
          save={editPolicyAction}
          replay={replayPolicyAction}
          poolCandidates={poolCandidates}
        />
      ) : (
        <PolicyEditor
          actionTypeId={id}
          actionKey={at.key}
          version={policy.version}
          current={policy.rules}
          replay={replayPolicyAction}
          poolCandidates={poolCandidates}
          readOnly
        />
      )}
    </section>
  );
}
