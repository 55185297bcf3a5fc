"use client";
// Per-user role change and disable/enable. The server refuses changes to one's own account; that
// refusal is shown like any other result, and the controls return to the stored state.
import { useState } from "react";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import { changeRoleAction, setUserDisabledAction } from "@/lib/admin/actions";
import { ROLES, type Role } from "@cwr/gating/permissions";
import type { UserRow } from "@/lib/users/data";
import { inputClass } from "./fields";

/** Why one's own row has no working controls (the server refuses them too). */
const SELF_REASON = "You cannot change your own role or disable yourself: ask another admin.";

export function RoleControl({ user, self = false }: { user: UserRow; self?: boolean }) {
  const [role, setRole] = useState<Role>(user.role);
  const change = useServerAction(
    async (input: { userId: string; role: Role }) => {
      const result = await changeRoleAction(input);
      if (!result.ok || result.data.pendingRole) setRole(user.role);
      return result;
    },
    // Review power waits for a second person (SPEC §3 rule 10).
    (d) =>
      d.pendingRole
        ? `Asked to make ${user.email} ${role}: another reviewer or admin must approve it on the Requests page.`
        : `${user.email} is now ${role}.`,
  );
  return (
    <div className="w-60 text-xs">
      <div className="flex items-center gap-1">
        <select
          aria-label={`Role of ${user.email}`}
          disabled={self}
          title={self ? SELF_REASON : undefined}
          value={role}
          onChange={(e) => {
            setRole(e.target.value as Role);
            change.setMessage(null);
          }}
          className={inputClass}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <Button
          variant="secondary"
          disabled={self || change.pending || role === user.role}
          title={self ? SELF_REASON : undefined}
          onClick={() => change.run({ userId: user.id, role })}
        >
          {change.pending ? "Saving…" : "Change role"}
        </Button>
      </div>
      {self && (
        <p className="mt-1 text-slate-600" data-testid="self-reason">
          {SELF_REASON}
        </p>
      )}
      <ResultMessage message={change.message} />
    </div>
  );
}

export function StatusControl({ user, self = false }: { user: UserRow; self?: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const toggle = useServerAction(
    async (input: { userId: string; disabled: boolean }) => {
      const result = await setUserDisabledAction(input);
      setConfirming(false);
      return result;
    },
    () =>
      user.disabled
        ? `${user.email} enabled: they can sign in again.`
        : `${user.email} disabled: their sessions stop working at once.`,
  );
  return (
    <div className="w-56 space-y-1 text-xs">
      <div className="flex items-center gap-2">
        {user.disabled ? (
          <span className="rounded bg-red-100 px-1.5 py-0.5 font-semibold text-red-900">disabled</span>
        ) : (
          <span className="rounded bg-emerald-100 px-1.5 py-0.5 font-semibold text-emerald-900">active</span>
        )}
        {user.disabled ? (
          <Button
            variant="secondary"
            disabled={toggle.pending}
            onClick={() => toggle.run({ userId: user.id, disabled: false })}
          >
            {toggle.pending ? "Enabling…" : "Enable"}
          </Button>
        ) : (
          !confirming && (
            <Button
              variant="secondary"
              disabled={self}
              title={self ? SELF_REASON : undefined}
              aria-describedby={self ? `self-${user.id}` : undefined}
              onClick={() => {
                setConfirming(true);
                toggle.setMessage(null);
              }}
            >
              Disable
            </Button>
          )
        )}
      </div>
      {self && (
        <p id={`self-${user.id}`} className="text-slate-600">
          That is you.
        </p>
      )}
      {confirming && !user.disabled && (
        <div className="space-y-1" role="group" aria-label={`Confirm disabling ${user.email}`}>
          <p className="text-red-900">Disable {user.email}? Their sessions stop working at once.</p>
          <div className="flex gap-1">
            <Button
              variant="danger"
              disabled={toggle.pending}
              onClick={() => toggle.run({ userId: user.id, disabled: true })}
            >
              {toggle.pending ? "Disabling…" : "Confirm disable"}
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </div>
        </div>
      )}
      <ResultMessage message={toggle.message} />
    </div>
  );
}
