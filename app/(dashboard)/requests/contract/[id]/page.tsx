import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { contractRequestForReader } from "@/lib/contracts/data";
import { ContractReview } from "@/components/admin/ContractReview";
import { decideContractAdditionAction, withdrawContractAdditionAction } from "../../../contract-actions";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Internal subject · Request" };

/** A request to add an internal subject to an agent's contract: reviewed blind, by a quorum (SPEC §3). */
export default async function ContractRequestPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser("dashboard:read", `/requests/contract/${id}`);
  const request = await contractRequestForReader(await getDb(), user, id);
  if (!request) notFound();
  return (
    <section className="space-y-3">
      <Link href="/requests" className="text-sm text-blue-800 hover:underline">
        ← Requests
      </Link>
      <ContractReview
        request={request}
        reader={{ id: user.id }}
        review={decideContractAdditionAction}
        withdraw={withdrawContractAdditionAction}
      />
    </section>
  );
}
