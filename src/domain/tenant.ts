// The parties: customer tenants protected by the service, and the experts' own tenant.
// Credentials are not part of the domain; the Defender layer keeps them beside the tenant id.

import type { RoleMapping } from './roles.ts';

export interface ContactRef {
  /** Entra object id of the user. */
  userId: string;
  name?: string;
  /** Where the email fallback writes to; absent: looked up in Graph (the user's `mail`). */
  mail?: string;
}

/** The email fallback of a tenant (Graph sendMail from a mailbox of the tenant). */
export interface TenantEmail {
  /** The mailbox the service sends from (UPN or object id); default MAIL_FROM. */
  from?: string;
  /** A contact still not reached in Teams after this long gets an email (default from config). */
  afterMinutes?: number;
  /** `always`: every contact gets the email too, at once; `fallback` (default): only if Teams fails. */
  mode?: 'fallback' | 'always';
}

export interface SocChannel {
  teamId?: string;
  channelId: string;
  name?: string;
}

export interface CustomerTenant {
  /** Entra tenant id (GUID). */
  tenantId: string;
  name: string;
  /**
   * The Defender role the customer granted the experts. With 'operator' the experts run actions
   * themselves; with 'reader' (Defender's default) pending actions go to the customer.
   */
  expertsAccess: 'reader' | 'operator';
  roles: RoleMapping;
  /** Incident contacts notified 1:1; secondary contacts back up the primary ones. */
  contacts: { primary: ContactRef[]; secondary: ContactRef[] };
  /** Entra object ids allowed to manage the contact lists. */
  admins: string[];
  socChannels: SocChannel[];
  /** IANA time zone of the customer's calendar (reports' days, weeks, months); UTC when absent. */
  timeZone?: string;
  /** Opt-in: the weekly report card in every SOC channel, on that day and hour (tenant's clock). */
  weeklyReport?: { day: Weekday; hour: number };

  /** Install the app through Graph for contacts who never opened it (the tenant opted in). */
  proactiveInstall?: boolean;
  /** Hours a device stays contained before the still-contained reminder (default from config). */
  containmentReminderHours?: number;
  /**
   * Machine tags that mark high-value devices: isolating one or restricting its apps needs the
   * device's name typed on the card (src/domain/high-value-devices.ts).
   */
  highValueTags?: string[];
  /** Email fallback settings; absent: the service defaults (on when a sender mailbox is set). */
  email?: TenantEmail;
}

export const weekdays = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof weekdays)[number];

export interface ExpertsTenant {
  tenantId: string;
  name: string;
  /** Channel where customer messages arrive and experts reply in the incident's thread. */
  channelId?: string;
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Primary then secondary contacts, each user once. */
export function incidentContacts(tenant: CustomerTenant): ContactRef[] {
  const seen = new Set<string>();
  return [...tenant.contacts.primary, ...tenant.contacts.secondary].filter((contact) => {
    const key = contact.userId.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function isIncidentContact(tenant: CustomerTenant, userId: string): boolean {
  return incidentContacts(tenant).some((contact) => sameId(contact.userId, userId));
}

export function canManageContacts(tenant: CustomerTenant, userId: string): boolean {
  return tenant.admins.some((admin) => sameId(admin, userId));
}
