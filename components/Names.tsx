// Human names first, the slug or key secondary, the same way on every page (SPEC §5 "Plain words first").

export function AgentName({ name, slug }: { name: string; slug: string }) {
  return (
    <span data-testid="agent-name">
      {name} <span className="font-mono text-xs text-slate-500">{slug}</span>
    </span>
  );
}

export function ActionName({ name, actionKey }: { name: string; actionKey: string }) {
  return (
    <span data-testid="action-name">
      {name} <span className="font-mono text-xs text-slate-500">{actionKey}</span>
    </span>
  );
}
