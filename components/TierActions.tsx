"use client";
// Freeze, unfreeze and demote from a row. The form names its target ("Demote RUN → WALK"), sends the
// state it was shown (tier and stateVersion: SPEC §3 rule 11) and closes after success, so a second
// click cannot demote twice; a moved state comes back as a 409 that says what changed.
// The form is a modal <dialog>: it never sits over another row's buttons, the page behind is inert
// (focus stays in it), Escape closes it and the focus goes back to the button that opened it.
import { useEffect, useRef, useState } from "react";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import type { ServerAction } from "@/lib/http/action";
import { MIN_RATIONALE_LENGTH, rationaleProgress } from "@cwr/gating/rationale";
import { tierBelow } from "@cwr/gating/outcomes";
import type { Tier } from "@cwr/gating/types";
import type { DemoteInput, FreezeInput } from "@/lib/action-types/schema";

type Mode = "freeze" | "unfreeze" | "demote";

export type { DemoteInput, FreezeInput };
/** The row closes its form on success and says what it did: it reads nothing of the result. */
export type DemoteAction = ServerAction<DemoteInput, unknown>;
export type FreezeAction = ServerAction<FreezeInput, unknown>;

/** Tab from the dialog's last control goes back to its first (Shift+Tab the other way): the page behind is inert. */
function keepFocusIn(e: React.KeyboardEvent<HTMLDialogElement>) {
  if (e.key !== "Tab") return;
  const controls = [...e.currentTarget.querySelectorAll<HTMLElement>("textarea, button:not([disabled])")];
  const [first, last] = [controls[0], controls.at(-1)];
  if (!first || !last) return;
  if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  } else if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  }
}

export function TierActions(props: {
  actionTypeId: string;
  label: string;
  tier: Tier;
  frozen: boolean;
  stateVersion: number;
  demote: DemoteAction;
  freeze: FreezeAction;
}) {
  const [mode, setMode] = useState<Mode | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const d = dialog.current;
    if (mode && d && !d.open) d.showModal();
  }, [mode]);
  const [rationale, setRationale] = useState("");
  // The state the form was opened on: a live refresh while it is open must not retarget it (the
  // server answers 409 if that state moved), so the rationale stays about what the reviewer saw.
  const [seen, setSeen] = useState<{ tier: Tier; frozen: boolean; stateVersion: number } | null>(null);
  const state = seen ?? { tier: props.tier, frozen: props.frozen, stateVersion: props.stateVersion };
  const target = tierBelow(state.tier);
  const openForm = (m: Mode, from: HTMLElement) => {
    opener.current = from;
    setSeen({ tier: props.tier, frozen: props.frozen, stateVersion: props.stateVersion });
    setMode(m);
  };
  const close = () => {
    dialog.current?.close();
    setMode(null);
    setSeen(null);
    setRationale("");
    opener.current?.focus();
  };
  const demote = useServerAction(props.demote, () => {
    close();
    return `${props.label} demoted ${state.tier} → ${target}.`;
  });
  const freeze = useServerAction(props.freeze, () => {
    close();
    return `${props.label} ${state.frozen ? "unfrozen" : "frozen"}.`;
  });
  const [last, setLast] = useState<"demote" | "freeze">("freeze");
  const current = last === "demote" ? demote : freeze;
  const title =
    mode === "demote"
      ? `Demote ${state.tier} → ${target}`
      : mode === "freeze"
        ? `Freeze ${state.tier}`
        : `Unfreeze ${state.tier}`;
  const submit = () => {
    if (mode === "demote" && target) {
      setLast("demote");
      demote.run({
        actionTypeId: props.actionTypeId,
        fromTier: state.tier,
        stateVersion: state.stateVersion,
        toTier: target,
        rationale,
      });
    } else if (mode) {
      setLast("freeze");
      freeze.run({
        actionTypeId: props.actionTypeId,
        frozen: mode === "freeze",
        stateVersion: state.stateVersion,
        rationale,
      });
    }
  };
  return (
    // The buttons wrap in a narrow column (the overview's Act column fits at 1024 px); the form opens in the
    // top layer, so the table keeps its column widths.
    <div className="text-xs">
      <div className="flex flex-wrap gap-1">
        <Button
          variant="secondary"
          onClick={(e) => {
            current.setMessage(null);
            openForm(props.frozen ? "unfreeze" : "freeze", e.currentTarget);
          }}
        >
          {props.frozen ? "Unfreeze" : "Freeze"}
        </Button>
        {tierBelow(props.tier) && (
          <Button
            variant="secondary"
            onClick={(e) => {
              current.setMessage(null);
              openForm("demote", e.currentTarget);
            }}
          >
            Demote
          </Button>
        )}
      </div>
      {mode && (
        <dialog
          ref={dialog}
          className="m-auto w-96 max-w-[90vw] space-y-2 rounded-lg border border-slate-300 bg-white p-3 text-sm shadow-lg backdrop:bg-slate-900/30"
          aria-label={`${mode} ${props.label}`}
          // Escape: close through our state, so the focus goes back and a reopened form starts clean.
          onCancel={(e) => {
            e.preventDefault();
            close();
            current.setMessage(null);
          }}
          onKeyDown={keepFocusIn}
        >
          <label className="block font-medium">
            {title} ({props.label}): why? (at least {MIN_RATIONALE_LENGTH} characters)
            <textarea
              autoFocus
              value={rationale}
              onChange={(e) => setRationale(e.target.value)}
              rows={2}
              className="mt-1 w-full rounded border border-slate-300 p-1"
            />
          </label>
          <p className="text-slate-500">{rationaleProgress(rationale)}</p>
          <div className="flex gap-1">
            <Button
              variant={mode === "unfreeze" ? "primary" : "danger"}
              disabled={current.pending || demote.pending || freeze.pending}
              onClick={submit}
            >
              {demote.pending || freeze.pending ? "Saving…" : `Confirm: ${title}`}
            </Button>
            <Button
              variant="secondary"
              onClick={() => {
                close();
                current.setMessage(null);
              }}
            >
              Cancel
            </Button>
          </div>
          {/* A refusal shows where the person is looking: in the open form. */}
          <ResultMessage message={current.message} />
        </dialog>
      )}
      {!mode && <ResultMessage message={current.message} />}
    </div>
  );
}
