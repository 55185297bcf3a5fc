"use client";
// "Now" for times in words ("for 12 min", "3 h ago"), read from the server's clock. The server renders with
// the time it rendered at, and hydration uses that same instant (useSyncExternalStore's server snapshot),
// so the browser's HTML is kept even when its clock is off or a minute turns between render and hydration.
// After hydration the clock ticks on the browser, shifted by how far the browser's clock is from the server's.
import { createContext, useContext, useSyncExternalStore } from "react";
import { formatDuration } from "@/components/format";

const ServerNow = createContext<number | null>(null);

export function ServerClockProvider({ serverNow, children }: { serverNow: number; children: React.ReactNode }) {
  return <ServerNow.Provider value={serverNow}>{children}</ServerNow.Provider>;
}

/** Often enough for minute-granular words, rarely enough to cost nothing. */
const TICK_MS = 15_000;

/** Browser-side: how far the server's clock is ahead of this browser's, fixed at the first render. */
let offsetMs: number | null = null;
let current = 0;
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function tick() {
  current = Date.now() + (offsetMs ?? 0);
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(tick, TICK_MS);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The ticking time; the first call (the first render after hydration) fixes the clocks' offset. */
function browserNow(serverNow: number): number {
  if (offsetMs === null) {
    offsetMs = serverNow - Date.now();
    current = serverNow;
  }
  return current;
}

/** The current time in ms on the server's clock; the server's render time while rendering and hydrating. */
export function useServerNow(): number {
  const serverNow = useContext(ServerNow);
  if (serverNow === null) throw new Error("useServerNow needs a ServerClockProvider above it");
  return useSyncExternalStore(
    subscribe,
    () => browserNow(serverNow),
    () => serverNow,
  );
}

/** How long ago `iso` was, in words ("3 h 5 min"), on the server's clock. */
export function Since({ iso }: { iso: string }) {
  return <>{formatDuration(iso, useServerNow())}</>;
}
