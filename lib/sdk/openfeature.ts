// An OpenFeature server provider for Crawl · Walk · Run (SPEC §8): flags are evaluated over OFREP by
// the official `@openfeature/ofrep-provider` (the flag key is the action key, the value its tier),
// and OpenFeature's `track()` reports an outcome through the SDK's Reporter (batched, retried,
// idempotent), which the OFREP providers cannot do (OFREP has no tracking endpoint yet).
//
// track(name, context, details) becomes one outcome event:
// - kind: the tracking event name, which must be one of the outcome kinds (`action.completed`, …);
//   any other name is dropped with a logged reason, never thrown;
// - action: `details.action`, else `context.action`; subject: `context.targetingKey`;
// - tier: `details.tier`, else the tier this provider last evaluated for that action and that
//   subject; without either the event is dropped: a guessed tier would count the outcome as
//   evidence for the wrong tier;
// - idempotencyKey: `details.idempotencyKey`, else one generated when the event is queued (retries
//   resend it unchanged); `severity`, `occurredAt`, `reverts` and `agentVersion` are taken from
//   details; the remaining details (`value` included) become the event's metadata.
import { OFREPProvider, type OFREPProviderOptions } from "@openfeature/ofrep-provider";
import type { EvaluationContext, ResolutionDetails, TrackingEventDetails } from "@openfeature/server-sdk";
import { EVENT_KINDS, SEVERITIES } from "@cwr/gating/types";
import { Reporter, type ReportInput, type ReporterOptions } from "./reporter";
import { TIER_LIST, type EventKind, type Severity, type Tier } from "./types";

export interface CwrProviderOptions extends Omit<OFREPProviderOptions, "baseUrl" | "headers" | "headersFactory"> {
  /** the server, e.g. http://localhost:3000 */
  baseUrl: string;
  /** the agent's API key: evaluates its flags and reports its outcomes */
  apiKey: string;
  /** report through this reporter (e.g. a CwrClient's `reporter`); the provider does not close it */
  reporter?: Reporter;
  /** options of the provider's own reporter when none is given (closed with the provider) */
  reporterOptions?: Omit<ReporterOptions, "baseUrl" | "apiKey">;
  /** told of every track() that reports nothing, and why (default: console.warn) */
  onDropped?: (reason: string, trackingEventName: string) => void;
}

/** Details fields track() reads itself; the rest become metadata. */
const RESERVED = new Set(["action", "tier", "idempotencyKey", "severity", "occurredAt", "reverts", "agentVersion"]);
const REMEMBERED = 10_000;

export type TrackMapping = { report: ReportInput } | { dropped: string };

const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/** What one track() call reports, or why it reports nothing. `lastTier` is what the provider evaluated. */
export function trackToReport(
  name: string,
  context: EvaluationContext,
  details: TrackingEventDetails,
  lastTier: (action: string, subject: string | undefined) => Tier | undefined,
): TrackMapping {
  if (!(EVENT_KINDS as readonly string[]).includes(name))
    return { dropped: `"${name}" is not an outcome kind (one of ${EVENT_KINDS.join(", ")})` };
  const action = str(details.action) ?? str(context.action);
  if (!action) return { dropped: "no action: pass details.action (or context.action)" };
  const subject = str(context.targetingKey);
  const given = str(details.tier);
  if (given !== undefined && !(TIER_LIST as readonly string[]).includes(given))
    return { dropped: `details.tier "${given}" is not a tier (${TIER_LIST.join(", ")})` };
  const tier = (given as Tier | undefined) ?? lastTier(action, subject);
  if (!tier) return { dropped: `no tier for "${action}": evaluate the flag first or pass details.tier` };
  const severity = str(details.severity);
  if (severity !== undefined && !(SEVERITIES as readonly string[]).includes(severity))
    return { dropped: `details.severity "${severity}" is not one of ${SEVERITIES.join(", ")}` };
  const metadata = Object.fromEntries(Object.entries(details).filter(([k]) => !RESERVED.has(k)));
  const report: ReportInput = { action, kind: name as EventKind, tier };
  const idempotencyKey = str(details.idempotencyKey);
  if (idempotencyKey) report.idempotencyKey = idempotencyKey;
  if (severity) report.severity = severity as Severity;
  if (str(details.occurredAt)) report.occurredAt = details.occurredAt as string;
  if (str(details.reverts)) report.reverts = details.reverts as string;
  if (str(details.agentVersion)) report.agentVersion = details.agentVersion as string;
  if (subject) report.subjectRef = subject;
  if (Object.keys(metadata).length > 0) report.metadata = metadata;
  return { report };
}

export class CwrOpenFeatureProvider extends OFREPProvider {
  override readonly metadata = { name: "crawl-walk-run" };
  readonly reporter: Reporter;
  private readonly ownsReporter: boolean;
  private readonly onDropped: (reason: string, name: string) => void;
  /** the last evaluated tier per action and subject (insertion order: the oldest is forgotten first) */
  private readonly tiers = new Map<string, Tier>();

  constructor(options: CwrProviderOptions) {
    const { apiKey, reporter, reporterOptions, onDropped, ...ofrep } = options;
    super({ ...ofrep, headers: [["Authorization", `Bearer ${apiKey}`]] });
    this.ownsReporter = !reporter;
    this.reporter = reporter ?? new Reporter({ ...reporterOptions, baseUrl: options.baseUrl, apiKey });
    this.onDropped =
      onDropped ?? ((reason, name) => console.warn(`[cwr openfeature] track("${name}") reported nothing: ${reason}`));
  }

  override async resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<string>> {
    const details = await super.resolveStringEvaluation(flagKey, defaultValue, context);
    if (!details.errorCode && (TIER_LIST as readonly string[]).includes(details.value))
      this.remember(flagKey, str(context.targetingKey), details.value as Tier);
    return details;
  }

  track(trackingEventName: string, context: EvaluationContext = {}, details: TrackingEventDetails = {}): void {
    try {
      const mapped = trackToReport(trackingEventName, context, details, (action, subject) =>
        this.tiers.get(rememberKey(action, subject)),
      );
      if ("dropped" in mapped) this.onDropped(mapped.dropped, trackingEventName);
      else this.reporter.report(mapped.report);
    } catch (e) {
      // OpenFeature's track() must not throw into the application.
      this.onDropped(e instanceof Error ? e.message : String(e), trackingEventName);
    }
  }

  /** Sends what track() queued now. */
  async flush(): Promise<void> {
    await this.reporter.flush();
  }

  async onClose(): Promise<void> {
    if (this.ownsReporter) await this.reporter.close();
    else await this.reporter.flush();
  }

  private remember(action: string, subject: string | undefined, tier: Tier) {
    const key = rememberKey(action, subject);
    this.tiers.delete(key);
    this.tiers.set(key, tier);
    while (this.tiers.size > REMEMBERED) this.tiers.delete(this.tiers.keys().next().value!);
  }
}

const rememberKey = (action: string, subject: string | undefined) => `${action}\u0000${subject ?? ""}`;
