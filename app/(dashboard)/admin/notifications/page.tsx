import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { DELIVERY_STATUSES, listDeliveries, listWebhookEndpoints, type DeliveryStatus } from "@/lib/notifications/data";
import { NotificationsPanel } from "@/components/admin/NotificationsPanel";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Notifications · Admin" };

export default async function AdminNotificationsPage({
  searchParams,
}: {
  searchParams: Promise<{ endpoint?: string | string[]; status?: string | string[] }>;
}) {
  await requirePageUser("admin:manage", "/admin/notifications");
  const db = await getDb();
  const sp = await searchParams;
  const endpoints = await listWebhookEndpoints(db);
  const wanted = typeof sp.endpoint === "string" ? sp.endpoint : undefined;
  const selected = endpoints.find((e) => e.id === wanted) ?? endpoints[0];
  const status =
    typeof sp.status === "string" && (DELIVERY_STATUSES as readonly string[]).includes(sp.status)
      ? (sp.status as DeliveryStatus)
      : undefined;
  const deliveries = selected ? await listDeliveries(db, selected.id, status ? { status } : {}) : [];
  return (
    <NotificationsPanel
      endpoints={endpoints}
      selectedId={selected?.id ?? null}
      status={status ?? null}
      deliveries={deliveries}
    />
  );
}
