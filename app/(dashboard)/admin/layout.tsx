import { requirePageUser } from "@/lib/auth/session";
import { AdminTabs } from "@/components/admin/AdminTabs";

export const dynamic = "force-dynamic";

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  // Each page guards itself too; this keeps the frame from rendering for anyone else.
  await requirePageUser("admin:manage", "/admin");
  return (
    <section>
      <h1 className="text-xl font-semibold">Admin</h1>
      <p className="mb-3 text-sm text-slate-600">
        Agents and their action types, the API keys agents call with, and who may do what. Every change here is audited.
      </p>
      <AdminTabs />
      {children}
    </section>
  );
}
