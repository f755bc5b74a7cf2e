// The keys under which the delivery engine records the messages other parts of the app refer to:
// the SOC channel's incident card (the managed response replies under it, the chat relay finds a
// channel thread by it) and a contact's incident card (reminders and later events edit it).
export function socMessageKey(tenantId: string, incidentId: string, channelId: string): string {
  return `soc:${tenantId.toLowerCase()}:${incidentId}:${channelId}`;
}

export function contactMessageKey(tenantId: string, incidentId: string, userId: string): string {
  return `contact:${tenantId.toLowerCase()}:${incidentId}:${userId.toLowerCase()}`;
}
