import { notFound } from "next/navigation";
import { z } from "zod";
import { requirePageUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { currentPolicy } from "@/lib/policies/data";
import { actionTypeName } from "@/lib/action-types/data";
import { PolicyEditor } from "@/components/PolicyEditor";
import { editPolicyAction } from "../../../policy-actions";

export const dynamic = "force-dynamic";

export default async function PolicyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageUser("policy:edit", `/action-types/${id}/policy`);
  if (!z.uuid().safeParse(id).success) notFound();
  const db = await getDb();
  const at = await actionTypeName(db, id);
  if (!at) notFound();
  const policy = await currentPolicy(db, id);
  return (
    <section>
      <h1 className="mb-1 text-xl font-semibold">Edit bars</h1>
      <p className="mb-4 text-sm text-slate-600">Tightening takes effect at once; any loosening (lower bar, fewer outcomes, shorter window or time, fewer reviewers, a weaker gate) is a request that needs review.</p>
      <PolicyEditor actionTypeId={id} actionKey={at.key} version={policy.version} current={policy.rules} save={editPolicyAction} />
    </section>
  );
}
