// "I'm on it": one incident contact takes an incident awaiting the customer, so the other
// contacts are not reminded or escalated to while someone works on it. A claim holds while the
// claimer is active on the incident: it lapses once the claimer has done nothing on it (no claim,
// no action started, completed or skipped) for the lapse time, and the reminders resume.
import type { ManagedResponse } from './managed-response.ts';

export interface IncidentClaim {
  /** Entra object id of the claimer. */
  userId: string;
  name: string;
  /** When the claim was taken (ISO). */
  at: string;
}

function sameUser(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The claimer's latest activity on the incident: the claim itself or a step on its actions. */
export function lastClaimActivity(
  claim: IncidentClaim,
  response: ManagedResponse | undefined,
): number {
  let latest = Date.parse(claim.at);
  for (const action of response?.actions ?? []) {
    for (const step of action.history) {
      if (!sameUser(step.by.userId, claim.userId)) continue;
      const at = Date.parse(step.at);
      if (Number.isFinite(at) && at > latest) latest = at;
    }
  }
  return latest;
}

/** When the claim lapses unless the claimer acts first (ms since the epoch). */
export function claimLapsesAt(
  claim: IncidentClaim,
  response: ManagedResponse | undefined,
  lapseAfterMs: number,
): number {
  return lastClaimActivity(claim, response) + lapseAfterMs;
}

export function isClaimActive(
  claim: IncidentClaim | undefined,
  response: ManagedResponse | undefined,
  nowMs: number,
  lapseAfterMs: number,
): claim is IncidentClaim {
  return claim !== undefined && nowMs < claimLapsesAt(claim, response, lapseAfterMs);
}

export function isClaimer(claim: IncidentClaim | undefined, userId: string | undefined): boolean {
  return claim !== undefined && userId !== undefined && sameUser(claim.userId, userId);
}
