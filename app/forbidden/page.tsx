import Link from "next/link";

export default function ForbiddenPage() {
  return (
    <main className="mx-auto mt-16 max-w-md rounded-lg border border-slate-200 bg-white p-8">
      <h1 className="text-xl font-semibold">Not allowed</h1>
      <p className="mt-2 text-slate-600">Your role does not give access to that page. Ask an admin if you need it.</p>
      <Link href="/" className="mt-4 inline-block text-blue-700 underline">Back to the overview</Link>
    </main>
  );
}
