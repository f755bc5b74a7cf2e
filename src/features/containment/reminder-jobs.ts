// The delivery jobs of a still-contained reminder: one card to each primary incident contact (1:1)
// and to each SOC channel of the tenant. Each target's latest reminder for a containment is
// recorded under one message key, so Keep isolated edits the card everyone got last. Job ids
// carry the round, so a round planned twice is delivered once.
import { renderCard } from '../../../cards/render-card.ts';
import {
  stillContainedCardData,
  type StillContainedInput,
} from '../../../cards/still-contained.ts';
import type { DeliveryJob, DeliveryTarget } from '../../delivery/delivery-job.ts';
import type { ContainmentReminder, ReleaseProgress } from '../../domain/containment-reminder.ts';
import type { Incident } from '../../domain/incident.ts';
import { resolveRole } from '../../domain/roles.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { MessageStyle } from '../../../cards/message.ts';
import { cardActivity } from '../../shared/card-activity.ts';
import { reminderKey } from './reminder-store.ts';

interface Recipient {
  target: DeliveryTarget;
  /** Where the card goes, for keys: a user's object id or a channel id. */
  id: string;
  /** A contact who is a Security Reader gets the buttons greyed. */
  operator: boolean;
}

function recipients(tenant: CustomerTenant): Recipient[] {
  const { tenantId } = tenant;
  const seen = new Set<string>();
  const contacts = tenant.contacts.primary.filter((c) => {
    const key = c.userId.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return [
    ...contacts.map((c) => ({
      target: { kind: 'personal' as const, tenantId, userId: c.userId },
      id: c.userId.toLowerCase(),
      operator: resolveRole(tenant.roles, c.userId, []) === 'securityOperator',
    })),
    ...tenant.socChannels.map((channel) => ({
      target: { kind: 'conversation' as const, tenantId, conversationId: channel.channelId },
      id: channel.channelId,
      // A channel card is shared: the server checks each clicker's role.
      operator: true,
    })),
  ];
}

export function reminderMessageKey(reminder: ContainmentReminder, recipientId: string): string {
  const key = reminderKey(reminder.tenantId, reminder.incidentId, reminder.actionId);
  return `contained:${key}:${recipientId}`;
}

/** Round `reminder.asked` (already counted) to every recipient. */
export function roundJobs(args: {
  tenant: CustomerTenant;
  reminder: ContainmentReminder;
  incident: Incident | undefined;
  nowMs: number;
  /** A release that failed (the device is still contained): the card says so. */
  release?: ReleaseProgress;
}): DeliveryJob[] {
  const { tenant, reminder } = args;
  const createdAt = new Date(args.nowMs).toISOString();
  return recipients(tenant).map((r) => {
    const messageKey = reminderMessageKey(reminder, r.id);
    return {
      id: `${messageKey}:round-${reminder.asked}`,
      orderingKey: messageKey,
      target: r.target,
      operation: { kind: 'send', activity: activityOf({ ...args, enabled: r.operator }) },
      messageKey,
      createdAt,
    };
  });
}

/** Edits of the latest card each recipient got (after Keep isolated, or a release). */
export function editJobs(args: {
  tenant: CustomerTenant;
  reminder: ContainmentReminder;
  incident: Incident | undefined;
  nowMs: number;
  stamp: string;
  banner?: { text: string; style: MessageStyle };
  /** The device was released: the cards lose their buttons. */
  released?: boolean;
  /** The release the customer asked for, and how it goes. */
  release?: ReleaseProgress;
}): DeliveryJob[] {
  const { tenant, reminder } = args;
  const createdAt = new Date(args.nowMs).toISOString();
  if (reminder.asked === 0) return [];
  return recipients(tenant).map((r) => {
    const messageKey = reminderMessageKey(reminder, r.id);
    const activity = activityOf({ ...args, enabled: r.operator });
    return {
      id: `${messageKey}:edit-${args.stamp}`,
      orderingKey: messageKey,
      target: r.target,
      operation: { kind: 'update', messageKey, activity },
      createdAt,
    };
  });
}

function activityOf(input: StillContainedInput) {
  const data = stillContainedCardData(input);
  return cardActivity(renderCard('still-contained', data), data.title);
}
