import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  // Every page names itself first, so tabs and history tell pages apart.
  title: { default: "Crawl · Walk · Run", template: "%s · Crawl · Walk · Run" },
  description: "Governs how much autonomy an AI agent has, per action type.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
