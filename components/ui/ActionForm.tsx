"use client";
// A form that calls a server action and always shows its outcome: success, or the server's message.
import { useState, useTransition } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { ServerAction } from "@/lib/http/action";

/**
 * onSuccess gets the action's own result data (typed by the action) and may turn a successful call
 * into a warning (e.g. approved but not applied).
 */
export function useServerAction<I, T>(
  action: ServerAction<I, T>,
  onSuccess?: (data: T) => string | { kind: "ok" | "error"; text: string } | void,
) {
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string; details?: string[] } | null>(null);
  const queryClient = useQueryClient();
  const router = useRouter();
  const run = (input: I) =>
    start(async () => {
      setMessage(null);
      try {
        const result = await action(input);
        if (result.ok) {
          const said = onSuccess?.(result.data);
          setMessage(typeof said === "object" ? said : { kind: "ok", text: said || "Done." });
          await queryClient.invalidateQueries();
          router.refresh();
        } else {
          const d = result.error.details as
            | {
                issues?: Array<{ path: string; message: string }>;
                reasons?: string[];
                unmet?: Array<{ message: string }>;
              }
            | undefined;
          const details = [
            ...(d?.issues?.map((i) => `${i.path}: ${i.message}`) ?? []),
            ...(d?.reasons ?? []),
            ...(d?.unmet?.map((u) => u.message) ?? []),
          ];
          setMessage({ kind: "error", text: result.error.message, details });
        }
      } catch {
        setMessage({ kind: "error", text: "The server could not be reached. Nothing was changed; try again." });
      }
    });
  return { run, pending, message, setMessage };
}

export function ResultMessage({
  message,
}: {
  message: { kind: "ok" | "error"; text: string; details?: string[] } | null;
}) {
  if (!message) return null;
  return (
    <div
      role={message.kind === "error" ? "alert" : "status"}
      className={`mt-2 rounded px-3 py-2 text-sm ${message.kind === "ok" ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-800"}`}
    >
      {message.text}
      {message.details && message.details.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {message.details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Button({
  children,
  variant = "primary",
  ...rest
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: "primary" | "secondary" | "danger" }) {
  const style = {
    primary: "bg-slate-900 text-white hover:bg-slate-700",
    secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50",
    danger: "bg-red-700 text-white hover:bg-red-600",
  }[variant];
  return (
    <button
      {...rest}
      className={`rounded px-3 py-1.5 text-sm font-medium disabled:opacity-50 ${style} ${rest.className ?? ""}`}
    >
      {children}
    </button>
  );
}
