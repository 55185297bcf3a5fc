"use client";
// Notifications: the webhook endpoints (live counts), one endpoint's delivery log with dead letters
// and replay, and the form that adds an endpoint (its signing secret shown once).
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { DeliveryRow, DeliveryStatus, EndpointRow } from "@/lib/notifications/data";
import { NOTIFICATION_KIND_LABELS, type NotificationKind } from "@/lib/notifications/kinds";
import { fetchJson } from "@/components/ui/fetchJson";
import { Card, Empty, ErrorNote, LiveDot } from "@/components/ui/States";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import { formatDateTimeSeconds as formatDateTime } from "@/components/format";
import { replayDeliveriesAction, setWebhookEndpointEnabledAction } from "@/lib/admin/actions";
import { CreateEndpointForm } from "./CreateEndpointForm";
import { DEMO_RECEIVER_PATH, type ReceivedMessage } from "@/lib/notifications/demo-receiver-info";
import { TableShell, Th, cellClass, rowClass, theadClass } from "./fields";

const STATUS_STYLE: Record<DeliveryStatus, string> = {
  pending: "bg-amber-100 text-amber-950",
  delivered: "bg-emerald-100 text-emerald-900",
  dead: "bg-red-100 text-red-900",
};
const STATUS_LABEL: Record<DeliveryStatus, string> = {
  pending: "pending",
  delivered: "delivered",
  dead: "dead letter",
};

function href(endpointId: string, status: DeliveryStatus | null) {
  const q = new URLSearchParams({ endpoint: endpointId, ...(status ? { status } : {}) });
  return `/admin/notifications?${q.toString()}`;
}

export function NotificationsPanel({
  endpoints: initialEndpoints,
  selectedId,
  status,
  deliveries: initialDeliveries,
}: {
  endpoints: EndpointRow[];
  selectedId: string | null;
  status: DeliveryStatus | null;
  deliveries: DeliveryRow[];
}) {
  const endpointsQuery = useQuery({
    queryKey: ["admin", "webhooks"],
    queryFn: () => fetchJson<{ endpoints: EndpointRow[] }>("/api/dashboard/admin/webhooks"),
    initialData: { endpoints: initialEndpoints },
    refetchInterval: 3_000,
  });
  const deliveriesQuery = useQuery({
    queryKey: ["admin", "webhooks", selectedId, status],
    queryFn: () =>
      fetchJson<{ deliveries: DeliveryRow[] }>(
        `/api/dashboard/admin/webhooks/${selectedId}/deliveries${status ? `?status=${status}` : ""}`,
      ),
    initialData: { deliveries: initialDeliveries },
    enabled: selectedId !== null,
    refetchInterval: 3_000,
  });
  const endpoints = endpointsQuery.data.endpoints;
  const selected = endpoints.find((e) => e.id === selectedId) ?? null;
  return (
    <div className="space-y-4">
      {/* Where a user looks first (issue 25: it sat below every list). */}
      <Card title="Add an endpoint">
        <CreateEndpointForm kinds={Object.entries(NOTIFICATION_KIND_LABELS) as Array<[NotificationKind, string]>} />
      </Card>
      <Card
        title={`Webhook endpoints (${endpoints.filter((e) => e.enabled).length} active of ${endpoints.length})`}
        actions={<LiveDot fetching={endpointsQuery.isFetching} />}
      >
        <p className="mb-2 text-xs text-slate-600">
          Each change below is sent to every active endpoint that subscribed to its kind, signed as the{" "}
          <a
            className="text-blue-800 underline"
            href="https://www.standardwebhooks.com/"
            target="_blank"
            rel="noreferrer"
          >
            Standard Webhooks
          </a>{" "}
          convention does (<code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>).
          Failed deliveries are retried with growing delays (10 s, 20 s, 40 s … for 10 attempts), then kept as dead
          letters you can replay.
        </p>
        {endpointsQuery.isError && <ErrorNote error={endpointsQuery.error} />}
        {endpoints.length === 0 ? (
          <Empty>
            No endpoints yet. Add one below to tell people (or Slack) when requests open, decisions land and tiers
            change.
          </Empty>
        ) : (
          <TableShell testId="endpoints-table">
            <thead className={theadClass}>
              <tr>
                <Th>Name</Th>
                <Th>Address</Th>
                <Th>Events</Th>
                <Th>Format</Th>
                <Th>Deliveries</Th>
                <Th>Status</Th>
                <Th />
              </tr>
            </thead>
            <tbody>
              {endpoints.map((e) => (
                <tr
                  key={e.id}
                  className={`${rowClass} ${e.id === selectedId ? "bg-blue-50" : ""}`}
                  data-testid="endpoint-row"
                  data-name={e.name}
                >
                  <td className={cellClass}>
                    <Link
                      href={href(e.id, null)}
                      className="font-medium text-blue-800 hover:underline"
                      aria-current={e.id === selectedId ? "true" : undefined}
                    >
                      {e.name}
                    </Link>
                    <div className="font-mono text-xs text-slate-700">secret {e.secretHint}</div>
                  </td>
                  <td className={`${cellClass} max-w-64 break-all font-mono text-xs`}>{e.url}</td>
                  <td className={`${cellClass} text-xs`}>{e.kinds.join(", ")}</td>
                  <td className={`${cellClass} text-xs`}>{e.format === "slack" ? "Slack message" : "JSON"}</td>
                  <td className={`${cellClass} whitespace-nowrap text-xs`} data-testid="endpoint-counts">
                    {e.delivered} delivered · {e.pending} pending ·{" "}
                    <span className={e.dead ? "font-semibold text-red-800" : ""}>{e.dead} dead</span>
                    {e.auditStream && <AuditStreamLag stream={e.auditStream} />}
                  </td>
                  <td className={`${cellClass} text-xs`}>
                    {e.enabled ? (
                      <span className="rounded bg-emerald-100 px-1.5 py-0.5 font-semibold text-emerald-900">
                        active
                      </span>
                    ) : (
                      <span className="rounded bg-slate-200 px-1.5 py-0.5 font-semibold text-slate-800">paused</span>
                    )}
                  </td>
                  <td className={cellClass}>
                    <EnableToggle endpoint={e} />
                  </td>
                </tr>
              ))}
            </tbody>
          </TableShell>
        )}
      </Card>
      {selected && (
        <Card title={`Delivery log of ${selected.name}`} actions={<LiveDot fetching={deliveriesQuery.isFetching} />}>
          <div className="mb-2 flex flex-wrap items-center gap-2 text-sm">
            <span className="text-xs text-slate-600">Show</span>
            {([null, "pending", "delivered", "dead"] as const).map((s) => (
              <Link
                key={s ?? "all"}
                href={href(selected.id, s)}
                aria-current={status === s ? "page" : undefined}
                className={`rounded px-2 py-0.5 text-xs ${status === s ? "bg-slate-900 text-white" : "border border-slate-300 text-slate-800 hover:bg-slate-50"}`}
              >
                {s === null ? "all" : STATUS_LABEL[s]}
              </Link>
            ))}
            {selected.dead > 0 && (
              <ReplayButton
                endpointId={selected.id}
                label={`Replay ${selected.dead} dead letter${selected.dead === 1 ? "" : "s"}`}
              />
            )}
          </div>
          {deliveriesQuery.isError && <ErrorNote error={deliveriesQuery.error} />}
          {deliveriesQuery.data.deliveries.length === 0 ? (
            <Empty>
              No deliveries{status ? ` that are ${STATUS_LABEL[status]}` : ""} yet. They appear here seconds after a
              subscribed change.
            </Empty>
          ) : (
            <TableShell testId="deliveries-table">
              <thead className={theadClass}>
                <tr>
                  <Th>Event</Th>
                  <Th>What happened</Th>
                  <Th>Status</Th>
                  <Th>Attempts</Th>
                  <Th>Last answer</Th>
                  <Th />
                </tr>
              </thead>
              <tbody>
                {deliveriesQuery.data.deliveries.map((d) => (
                  <tr
                    key={d.id}
                    className={rowClass}
                    data-testid="delivery-row"
                    data-status={d.status}
                    data-kind={d.kind}
                  >
                    <td className={`${cellClass} whitespace-nowrap text-xs`}>
                      <div className="font-medium">{d.kind}</div>
                      <div className="font-mono text-slate-600">{d.eventId}</div>
                      <div className="text-slate-600">{formatDateTime(d.createdAt)}</div>
                    </td>
                    <td className={`${cellClass} text-xs`}>
                      {d.url ? (
                        <a href={d.url} className="text-blue-800 hover:underline">
                          {d.summary}
                        </a>
                      ) : (
                        d.summary
                      )}
                    </td>
                    <td className={`${cellClass} whitespace-nowrap text-xs`}>
                      <span className={`rounded px-1.5 py-0.5 font-semibold ${STATUS_STYLE[d.status]}`}>
                        {STATUS_LABEL[d.status]}
                      </span>
                      {d.status === "delivered" && d.deliveredAt && (
                        <div className="mt-0.5 text-slate-500">{formatDateTime(d.deliveredAt)}</div>
                      )}
                      {d.status === "pending" && d.nextAttemptAt && d.attempts > 0 && (
                        <div className="mt-0.5 text-slate-500">retry {formatDateTime(d.nextAttemptAt)}</div>
                      )}
                    </td>
                    <td className={`${cellClass} text-xs`}>{d.attempts}</td>
                    <td className={`${cellClass} max-w-72 break-words text-xs`}>
                      {d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : ""}
                      {d.lastError && d.lastStatusCode === null
                        ? d.lastError
                        : d.lastError
                          ? ` — ${d.lastError.replace(/^HTTP \d+:?\s*/, "")}`
                          : ""}
                    </td>
                    <td className={cellClass}>
                      {d.status !== "pending" && (
                        <ReplayButton
                          endpointId={selected.id}
                          deliveryId={d.id}
                          label={d.status === "dead" ? "Replay" : "Send again"}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableShell>
          )}
        </Card>
      )}
      {endpoints.some((e) => e.url.includes(DEMO_RECEIVER_PATH)) && <DemoReceiverCard />}
    </div>
  );
}

function EnableToggle({ endpoint }: { endpoint: EndpointRow }) {
  const toggle = useServerAction(setWebhookEndpointEnabledAction, () =>
    endpoint.enabled ? `${endpoint.name} paused: new changes are not sent to it.` : `${endpoint.name} active again.`,
  );
  return (
    <div className="text-xs">
      <Button
        variant="secondary"
        disabled={toggle.pending}
        onClick={() => toggle.run({ endpointId: endpoint.id, enabled: !endpoint.enabled })}
      >
        {endpoint.enabled ? "Pause" : "Resume"}
      </Button>
      <ResultMessage message={toggle.message} />
    </div>
  );
}

function ReplayButton({ endpointId, deliveryId, label }: { endpointId: string; deliveryId?: string; label: string }) {
  const replay = useServerAction(replayDeliveriesAction, (data) => {
    const n = data.replayed;
    return `${n} deliver${n === 1 ? "y" : "ies"} queued again with the same webhook-id.`;
  });
  return (
    <div className="text-xs">
      <Button
        variant="secondary"
        disabled={replay.pending}
        onClick={() => replay.run(deliveryId ? { endpointId, deliveryId } : { endpointId })}
      >
        {replay.pending ? "Queuing…" : label}
      </Button>
      <ResultMessage message={replay.message} />
    </div>
  );
}

/** What the built-in demo receiver got: proof, on a fresh demo, that deliveries arrive signed. */
function DemoReceiverCard() {
  const q = useQuery({
    queryKey: ["admin", "demo-receiver"],
    queryFn: () => fetchJson<{ received: ReceivedMessage[] }>(DEMO_RECEIVER_PATH),
    refetchInterval: 3_000,
  });
  const rows = q.data?.received ?? [];
  return (
    <Card title="Built-in demo receiver: what arrived" actions={<LiveDot fetching={q.isFetching} />}>
      <p className="mb-2 text-xs text-slate-600">
        A small receiver inside this server (<code>{DEMO_RECEIVER_PATH}</code>). It keeps the last 50 deliveries whose
        signature verifies. Open a request, review one or freeze an action type and watch it appear here within seconds.
      </p>
      {q.isError && <ErrorNote error={q.error} />}
      {rows.length === 0 ? (
        <Empty>Nothing received since the server started.</Empty>
      ) : (
        <ul className="space-y-1 text-sm" data-testid="demo-received">
          {rows.map((m) => (
            <li key={`${m.endpointId}:${m.id}`} className="border-l-2 border-emerald-500 pl-2">
              <span className="font-mono text-xs text-slate-600">
                {formatDateTime(m.receivedAt)} · {m.type} · signature verified · via {m.endpoint}
              </span>
              <div>
                {m.url ? (
                  <a href={m.url} className="text-blue-800 hover:underline">
                    {m.summary}
                  </a>
                ) : (
                  m.summary
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** A SIEM endpoint's place in the audit log: it never skips an entry, so a failing receiver shows as lag. */
function AuditStreamLag({ stream }: { stream: NonNullable<EndpointRow["auditStream"]> }) {
  const late = stream.behind > 0 && stream.failedAttempts > 0;
  return (
    <div className="mt-1" data-testid="audit-stream-lag">
      audit stream: through entry #{stream.deliveredSeq} of #{stream.latestSeq} ·{" "}
      <span className={late ? "font-semibold text-red-800" : ""}>
        {stream.behind === 0 ? "up to date" : `${stream.behind.toLocaleString("en-US")} behind`}
      </span>
      {stream.failedAttempts > 0 && (
        <div className="whitespace-normal text-red-800">
          {stream.failedAttempts} failed attempt{stream.failedAttempts === 1 ? "" : "s"}: {stream.lastError}
        </div>
      )}
    </div>
  );
}
