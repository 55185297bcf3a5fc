"use client";
// The one time a key's secret is visible: a marked box, a copy button, and a warning.
import { useState } from "react";
import { Button } from "@/components/ui/ActionForm";

export function SecretOnce({
  secret,
  label,
  onDone,
  noun = "key",
}: {
  secret: string;
  label: string;
  onDone: () => void;
  noun?: "key" | "signing secret";
}) {
  const [copied, setCopied] = useState<"no" | "yes" | "failed">("no");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <section
      role="region"
      aria-label={noun === "key" ? "New API key" : "New signing secret"}
      data-testid="new-key-secret"
      className="rounded-lg border-2 border-amber-500 bg-amber-50 p-4"
    >
      <h3 className="font-semibold text-amber-950">Copy this {noun} now — it will not be shown again</h3>
      {noun === "key" ? (
        <p className="mt-1 text-sm text-amber-950">
          New key for <span className="font-mono">{label}</span>. Only its hash is stored, so nobody (you included) can
          see it again after you close this box or leave the page. If it is lost, revoke it and create a new one.
        </p>
      ) : (
        <p className="mt-1 text-sm text-amber-950">
          Signing secret of <span className="font-mono">{label}</span>. The receiver verifies every delivery with it
          (Standard Webhooks: <code>webhook-signature</code> over id, timestamp and body). It is not shown again; if it
          is lost, add the endpoint again.
        </p>
      )}
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          data-testid="new-key-secret-value"
          className="select-all break-all rounded border border-amber-300 bg-white px-2 py-1 font-mono text-sm"
        >
          {secret}
        </code>
        <Button type="button" variant="secondary" onClick={copy}>
          {copied === "yes" ? "Copied ✓" : "Copy"}
        </Button>
      </div>
      {copied === "failed" && (
        <p role="alert" className="mt-1 text-xs text-red-800">
          The browser refused clipboard access; select the key and copy it by hand.
        </p>
      )}
      <Button type="button" className="mt-3" onClick={onDone}>
        I have stored it — hide the {noun}
      </Button>
    </section>
  );
}
