import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requirePageUser } from "@/lib/auth/session";
import { can } from "@cwr/gating/permissions";
import { getDb } from "@/lib/db";
import { actionTypeDetail } from "@/lib/action-types/detail";
import { actionTypeName } from "@/lib/action-types/data";
import { ActionTypeView } from "@/components/ActionTypeView";
import { SliderPanel } from "@/components/SliderPanel";
import { sliderPanelData } from "@/lib/action-types/slider-panel";
import { openRequestAction } from "../../request-actions";
import { demoteAction, freezeAction } from "../../tier-actions";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  const at = z.uuid().safeParse(id).success ? await actionTypeName(await getDb(), id) : null;
  return { title: at ? `${at.name} (${at.key})` : "Action type" };
}

export default async function ActionTypePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser("dashboard:read", `/action-types/${id}`);
  if (!z.uuid().safeParse(id).success) notFound();
  const detail = await actionTypeDetail(await getDb(), id, new Date(), user);
  if (!detail) notFound();
  const slider = await sliderPanelData(await getDb(), id);
  return (
    <>
      <ActionTypeView
        initial={detail}
        canOpen={can(user.role, "request:open")}
        canOverride={can(user.role, "request:override")}
        canEditPolicy={can(user.role, "policy:edit")}
        canAct={can(user.role, "tier:demote")}
        open={openRequestAction}
        demote={demoteAction}
        freeze={freezeAction}
      />
      <div className="mt-4">
        <SliderPanel data={slider} />
      </div>
    </>
  );
}
