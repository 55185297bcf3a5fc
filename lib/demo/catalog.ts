// The demo world: three agents, thirteen action types over every blast radius, and the story each
// one plays over the 60 seeded days.
import type { BlastRadius, Tier } from "@cwr/gating/types";

export interface DemoActionType {
  key: string;
  name: string;
  description: string;
  blastRadius: BlastRadius;
  reversible: boolean;
  /** outcomes per day */
  perDay: number;
  /** true success probability in each tier */
  quality: Record<Tier, number>;
  /** highest tier the seed promotes it to through real review */
  target: Tier;
  story?: "open_request" | "override" | "frozen" | "auto_demotion";
  /** the reporter key (system of record) that reports its outcomes, instead of the agent's own key */
  reportedBy?: string;
  /** tiers whose promotion counts only attested outcomes (reporter keys, people) */
  attested?: Tier[];
}

export interface DemoAgent {
  slug: string;
  name: string;
  owner: string;
  description: string;
  actionTypes: DemoActionType[];
}

const q = (CRAWL: number, WALK: number, RUN: number) => ({ CRAWL, WALK, RUN });

export const DEMO_AGENTS: DemoAgent[] = [
  {
    slug: "support-bot",
    name: "Support Assistant",
    owner: "Customer Support",
    description: "Triages and answers customer tickets.",
    actionTypes: [
      {
        key: "ticket.tag",
        name: "Tag a ticket",
        description: "Adds routing tags to incoming tickets.",
        blastRadius: "low",
        reversible: true,
        perDay: 20,
        quality: q(0.96, 0.97, 0.97),
        target: "RUN",
      },
      {
        key: "ticket.reply",
        name: "Reply to a ticket",
        description: "Sends a reply to the customer.",
        blastRadius: "medium",
        reversible: false,
        perDay: 10,
        quality: q(0.97, 0.95, 0.95),
        target: "WALK",
        reportedBy: "helpdesk",
        attested: ["WALK"],
      },
      {
        key: "ticket.escalate",
        name: "Escalate a ticket",
        description: "Hands a ticket to a human specialist.",
        blastRadius: "low",
        reversible: true,
        perDay: 8,
        quality: q(0.94, 0.93, 0.93),
        target: "WALK",
      },
      {
        key: "refund.issue",
        name: "Issue a refund",
        description: "Refunds an order up to the policy limit.",
        blastRadius: "high",
        reversible: false,
        perDay: 12,
        quality: q(0.99, 0.97, 0.97),
        target: "CRAWL",
        story: "open_request",
      },
      {
        key: "account.close",
        name: "Close an account",
        description: "Closes a customer account on request.",
        blastRadius: "critical",
        reversible: false,
        perDay: 5,
        quality: q(0.9, 0.9, 0.9),
        target: "CRAWL",
      },
    ],
  },
  {
    slug: "infra-bot",
    name: "Infrastructure Operator",
    owner: "Platform Engineering",
    description: "Keeps production capacity and deployments healthy.",
    actionTypes: [
      {
        key: "scale.adjust",
        name: "Adjust capacity",
        description: "Scales a service within its limits.",
        blastRadius: "low",
        reversible: true,
        perDay: 20,
        quality: q(0.97, 0.97, 0.97),
        target: "RUN",
      },
      {
        key: "deploy.rollback",
        name: "Roll back a deploy",
        description: "Rolls a service back to its previous release.",
        blastRadius: "medium",
        reversible: true,
        perDay: 10,
        quality: q(0.97, 0.95, 0.95),
        target: "WALK",
      },
      {
        key: "db.migrate",
        name: "Run a schema migration",
        description: "Applies a database migration in production.",
        blastRadius: "critical",
        reversible: false,
        perDay: 4,
        quality: q(0.95, 0.95, 0.95),
        target: "CRAWL",
        story: "frozen",
      },
      {
        key: "dns.change",
        name: "Change DNS",
        description: "Edits DNS records of public domains.",
        blastRadius: "high",
        reversible: true,
        perDay: 5,
        quality: q(0.9, 0.9, 0.9),
        target: "CRAWL",
      },
    ],
  },
  {
    slug: "sales-bot",
    name: "Sales Assistant",
    owner: "Revenue Operations",
    description: "Enriches leads and writes to prospects.",
    actionTypes: [
      {
        key: "lead.enrich",
        name: "Enrich a lead",
        description: "Adds firmographic data to a lead.",
        blastRadius: "low",
        reversible: true,
        perDay: 12,
        quality: q(0.9, 0.93, 0.93),
        target: "WALK",
        story: "override",
      },
      {
        key: "email.send",
        name: "Email a prospect",
        description: "Sends a personalised email to a prospect.",
        blastRadius: "medium",
        reversible: false,
        perDay: 15,
        quality: q(0.97, 0.96, 0.96),
        target: "RUN",
        story: "auto_demotion",
      },
      {
        key: "discount.offer",
        name: "Offer a discount",
        description: "Offers a discount within the deal desk rules.",
        blastRadius: "high",
        reversible: false,
        perDay: 8,
        quality: q(0.94, 0.94, 0.94),
        target: "CRAWL",
      },
      {
        key: "contract.amend",
        name: "Amend a contract",
        description: "Proposes contract amendments.",
        blastRadius: "critical",
        reversible: false,
        perDay: 3,
        quality: q(0.97, 0.97, 0.97),
        target: "CRAWL",
      },
    ],
  },
];

/** Kind of an outcome in a tier's metric family. */
export function eventKindFor(tier: Tier, success: boolean, roll: number): string {
  if (tier === "CRAWL")
    return success ? "suggestion.accepted" : roll < 0.5 ? "suggestion.edited" : "suggestion.rejected";
  if (tier === "WALK") return success ? "action.completed" : roll < 0.5 ? "action.reverted" : "action.escalated";
  return success ? "outcome.positive" : "outcome.negative";
}

/** The reporter keys an agent's systems of record hold (by name), from its action types. */
export function demoReporters(agent: DemoAgent): string[] {
  return [...new Set(agent.actionTypes.flatMap((a) => (a.reportedBy ? [a.reportedBy] : [])))];
}
