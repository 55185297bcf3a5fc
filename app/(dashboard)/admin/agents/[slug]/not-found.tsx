import Link from "next/link";
import { Empty } from "@/components/ui/States";

export default function AgentNotFound() {
  return (
    <Empty>
      No agent has that slug; it may never have existed or the link is mistyped.{" "}
      <Link href="/admin/agents" className="text-blue-800 underline">
        See all agents
      </Link>
    </Empty>
  );
}
