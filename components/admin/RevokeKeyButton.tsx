"use client";
// Revoke with an explicit confirmation step; the result (or the server's refusal) is always shown.
import { useState } from "react";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import { revokeApiKeyAction } from "@/lib/admin/actions";

/** Stays mounted once the key is revoked, so the outcome stays visible after the list refreshes. */
export function RevokeKeyButton({ keyId, label, revoked }: { keyId: string; label: string; revoked: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const revoke = useServerAction(revokeApiKeyAction, () => {
    setConfirming(false);
    return `Key ${label} revoked.`;
  });
  return (
    <div className="text-xs">
      {revoked ? null : !confirming ? (
        <Button
          variant="secondary"
          onClick={() => {
            setConfirming(true);
            revoke.setMessage(null);
          }}
        >
          Revoke
        </Button>
      ) : (
        <div className="w-64 space-y-1" role="group" aria-label="Confirm revocation">
          <p className="font-medium text-red-900">
            Revoke {label}? Every call with it gets 401 at once. This cannot be undone.
          </p>
          <div className="flex gap-1">
            <Button variant="danger" disabled={revoke.pending} onClick={() => revoke.run({ keyId })}>
              {revoke.pending ? "Revoking…" : "Confirm revoke"}
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </div>
        </div>
      )}
      <ResultMessage message={revoke.message} />
    </div>
  );
}
