"use client";
// A dashboard page could not be rendered (most often: the database did not answer). Say so in plain
// words, offer a retry; the digest lets an operator find the logged error. No internals are shown.
import { Button } from "@/components/ui/ActionForm";

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="space-y-2 rounded border border-red-200 bg-red-50 p-4 text-sm text-red-800">
      <p className="font-medium">This page could not be loaded. Nothing was changed.</p>
      <p>If the database is unavailable (a restart or a failover), it is usually back within seconds.</p>
      {error.digest && <p className="text-xs">Reference: {error.digest}</p>}
      <Button variant="secondary" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
