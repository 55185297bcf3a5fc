"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { ServerClockProvider } from "@/components/ServerClock";

/** `serverNow`: when the server rendered this page, for times in words (components/ServerClock.tsx). */
export function Providers({ serverNow, children }: { serverNow: number; children: React.ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { refetchInterval: 5_000, refetchOnWindowFocus: true, staleTime: 2_000, retry: 1 },
        },
      }),
  );
  return (
    <ServerClockProvider serverNow={serverNow}>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </ServerClockProvider>
  );
}
