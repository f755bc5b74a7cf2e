// How Microsoft Sentinel shows an incident the experts handle (reference document, "Microsoft
// Sentinel"): Defender's Active → In progress → Awaiting Customer Action → Resolved becomes
// Sentinel's New → Active → Resolved, Awaiting Customer Action becomes a tag on an Active
// incident, and "Assigned to" becomes "Owner" (Unassigned when empty).

import { incidentStatuses, isAwaitingCustomer, parseEnum } from './incident.ts';
import type { Incident } from './incident.ts';

export const AWAITING_CUSTOMER_TAG = 'Awaiting Customer Action';
export const UNASSIGNED_OWNER = 'Unassigned';

export interface SentinelView {
  status: 'New' | 'Active' | 'Resolved';
  owner: string;
  tags: string[];
}

export function sentinelView(
  incident: Pick<Incident, 'status' | 'assignedTo' | 'customTags' | 'systemTags'>,
): SentinelView {
  const awaiting = isAwaitingCustomer(incident);
  const tags = uniqueIgnoringCase([
    ...incident.customTags,
    ...incident.systemTags,
    ...(awaiting ? [AWAITING_CUSTOMER_TAG] : []),
  ]);
  const owner = incident.assignedTo?.trim() || UNASSIGNED_OWNER;
  return { status: sentinelStatus(incident, awaiting), owner, tags };
}

function sentinelStatus(
  incident: Pick<Incident, 'status'>,
  awaiting: boolean,
): SentinelView['status'] {
  if (awaiting) return 'Active';
  switch (parseEnum(incidentStatuses, incident.status, 'unknownFutureValue')) {
    case 'active':
      return 'New';
    // A merged incident is closed in favour of its target.
    case 'resolved':
    case 'redirected':
      return 'Resolved';
    case 'inProgress':
    case 'awaitingAction':
    case 'unknownFutureValue':
      return 'Active';
  }
}

function uniqueIgnoringCase(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = value.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
