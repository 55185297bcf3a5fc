import type { Metadata } from "next";
import { headers } from "next/headers";
import "./globals.css";

export const metadata: Metadata = {
  // Every page names itself first, so tabs and history tell pages apart.
  title: { default: "Crawl · Walk · Run", template: "%s · Crawl · Walk · Run" },
  description: "Governs how much autonomy an AI agent has, per action type.",
};

// Every page renders per request, so Next can put the request's CSP nonce (proxy.ts) on its scripts.
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  await headers();
  return (
    <html lang="en">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
