// Who is recorded as acting when no Teams user does: the experts (publishing, completing on the
// customer's behalf) and Defender (a machine action's outcome).
/** The actor recorded when the experts act (publish, complete on the customer's behalf). */
export const EXPERTS_ACTOR = { userId: 'experts', name: 'Defender Experts' } as const;
/** The actor recorded for outcomes Defender reports (machine action finished). */
export const DEFENDER_ACTOR = { userId: 'defender', name: 'Microsoft Defender' } as const;
