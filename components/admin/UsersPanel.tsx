"use client";
// Users and roles: live list (from /api/dashboard/admin/users), role change, disable/enable, create.
import { useQuery } from "@tanstack/react-query";
import type { UserRow } from "@/lib/users/data";
import { fetchJson } from "@/components/ui/fetchJson";
import { Card, Empty, ErrorNote, LiveDot } from "@/components/ui/States";
import { formatDateTime } from "@/components/format";
import { CreateUserForm } from "./CreateUserForm";
import { RoleControl, StatusControl } from "./UserControls";
import { TableShell, Th, cellClass, rowClass, theadClass } from "./fields";

export function UsersPanel({ initial, currentUserId }: { initial: UserRow[]; currentUserId: string }) {
  const query = useQuery({
    queryKey: ["admin", "users"],
    queryFn: () => fetchJson<{ users: UserRow[] }>("/api/dashboard/admin/users"),
    initialData: { users: initial },
  });
  const users = query.data.users;
  return (
    <div className="space-y-4">
      <Card title={`Users (${users.length})`} actions={<LiveDot fetching={query.isFetching} />}>
        <p className="mb-2 text-xs text-slate-500">
          viewer: engineers who watch metrics and open requests · reviewer: also reviews requests, demotes and freezes ·
          auditor: reads and exports the audit log · operator: front-line staff who decide the agents&apos; suggestions
          · admin: all of that plus this page. Nobody can change their own role or disable themselves.
        </p>
        {query.isError && <ErrorNote error={query.error} />}
        {users.length === 0 ? (
          <Empty>No users.</Empty>
        ) : (
          <TableShell testId="users-table">
            <thead className={theadClass}>
              <tr>
                <Th>Email</Th>
                <Th>Name</Th>
                <Th>Last login</Th>
                <Th>Role</Th>
                <Th>Status</Th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr
                  key={u.id}
                  className={`${rowClass} ${u.disabled ? "bg-slate-50 text-slate-500" : ""}`}
                  data-testid="user-row"
                  data-email={u.email}
                  data-role={u.role}
                  data-disabled={u.disabled ? "true" : "false"}
                >
                  <td className={cellClass}>
                    {u.email}
                    {u.id === currentUserId && (
                      <span className="ml-1 rounded bg-slate-200 px-1 text-xs text-slate-700">you</span>
                    )}
                    {u.invitation ? (
                      <div className="text-xs text-amber-800" data-testid="invitation-state">
                        invitation {u.invitation === "pending" ? "not accepted yet" : "expired"}
                      </div>
                    ) : (
                      !u.hasPassword && <div className="text-xs text-slate-500">single sign-on only</div>
                    )}
                  </td>
                  <td className={cellClass}>{u.name}</td>
                  <td className={`${cellClass} whitespace-nowrap text-xs`}>
                    {u.lastLoginAt ? formatDateTime(u.lastLoginAt) : <span className="text-slate-500">never</span>}
                  </td>
                  <td className={cellClass}>
                    <RoleControl user={u} self={u.id === currentUserId} />
                  </td>
                  <td className={cellClass}>
                    <StatusControl user={u} self={u.id === currentUserId} />
                  </td>
                </tr>
              ))}
            </tbody>
          </TableShell>
        )}
      </Card>
      <Card title="Create a user">
        <CreateUserForm />
      </Card>
    </div>
  );
}
