"use client";
// The admin pages could not be rendered (e.g. the database did not answer): say so, offer a retry.
import { Button } from "@/components/ui/ActionForm";

export default function AdminError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="space-y-2 rounded border border-red-200 bg-red-50 p-4 text-sm text-red-800">
      <p className="font-medium">The admin data could not be loaded. Nothing was changed.</p>
      {error.digest && <p className="text-xs">Reference: {error.digest}</p>}
      <Button variant="secondary" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
