// The email fallback's message: the facts of the Awaiting Customer Action card (incident-
// notification.ts builds them), why this person gets an email, and the Defender portal link.
// HTML as mail clients render it (tables, inline styles, no scripts, no external images or
// fonts) and the same text as a plain-text part. Everything from outside is escaped.
import type { Incident } from '../src/domain/incident.ts';
import type { ManagedResponse } from '../src/domain/managed-response.ts';
import { isFinished } from '../src/domain/response-action.ts';
import { truncate } from './card-text.ts';
import { notificationCardData } from './incident-notification.ts';

export interface IncidentEmailInput {
  incident: Incident;
  organizationName: string;
  response: ManagedResponse | undefined;
  awaitingCount: number;
  contactName: string | undefined;
  /** `fallback`: Teams could not reach them (teamsReason says why); `always`: the tenant's choice. */
  reason: { kind: 'fallback'; teamsReason?: string } | { kind: 'always' };
}

export interface IncidentEmail {
  subject: string;
  text: string;
  html: string;
}

const escape = (value: string) =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const COLORS: Record<string, string> = {
  attention: '#c4314b',
  warning: '#c19c00',
  good: '#237b4b',
  accent: '#0f6cbd',
};

/** Only http(s) links go into the mail. */
function safeUrl(url: string): string {
  return /^https:\/\//i.test(url) ? url : 'https://security.microsoft.com/incidents';
}

export function whyEmail(input: Pick<IncidentEmailInput, 'organizationName' | 'reason'>): string {
  const role = `You are a designated incident contact for ${input.organizationName}.`;
  if (input.reason.kind === 'always') {
    return `${role} ${input.organizationName} chose to receive incident notifications by email as well as in Microsoft Teams.`;
  }
  const why = input.reason.teamsReason ? ` (${input.reason.teamsReason})` : '';
  return `${role} The Managed Response app could not reach you in Microsoft Teams${why}, so this notification comes by email.`;
}

export function incidentEmail(input: IncidentEmailInput): IncidentEmail {
  const data = notificationCardData(input);
  const pending = (input.response?.actions ?? []).filter((a) => !isFinished(a));
  const actions = pending.slice(0, 20).map((a) => truncate(a.title, 200));
  const more = pending.length - actions.length;
  const webUrl = safeUrl(data.webUrl);
  const why = whyEmail(input);
  const greeting = input.contactName ? `Hello ${input.contactName},` : 'Hello,';
  const facts: [string, string][] = [
    ['Incident', data.incidentId],
    ['Severity', data.severity.label],
    ['Status', data.status.label],
    ['Assigned to', data.assignedTo],
    ['Response actions', data.pendingActionsLabel],
  ];
  const subject = truncate(
    `Awaiting your action: ${data.title} (incident ${data.incidentId})`,
    250,
  );

  const text = [
    greeting,
    '',
    `Defender Experts need you to act on an incident in ${input.organizationName}.`,
    '',
    data.title,
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    `Summary from the experts: ${data.headline}`,
    ...(actions.length > 0 ? ['', 'Pending actions:', ...actions.map((a) => `- ${a}`)] : []),
    ...(more > 0 ? [`- and ${more} more`] : []),
    '',
    `Open the incident in Microsoft Defender: ${webUrl}`,
    `${data.awaitingBanner}. Open the Managed Response app in Microsoft Teams to act on them.`,
    '',
    `Why you get this email: ${why}`,
  ].join('\n');

  const cell = 'padding:4px 12px 4px 0;font-size:14px;vertical-align:top;';
  const factRows = facts
    .map(([k, v], i) => {
      const color =
        i === 1 ? COLORS[data.severity.color] : i === 2 ? COLORS[data.status.color] : undefined;
      const style = `${cell}font-weight:bold;${color ? `color:${color};` : ''}`;
      return `<tr><td style="${cell}color:#616161;">${escape(k)}</td><td style="${style}">${escape(v)}</td></tr>`;
    })
    .join('');
  const actionList =
    actions.length > 0
      ? `<p style="margin:16px 0 4px 0;font-size:14px;font-weight:bold;">Pending actions</p><ul style="margin:0;padding-left:20px;font-size:14px;">${actions
          .map((a) => `<li>${escape(a)}</li>`)
          .join('')}${more > 0 ? `<li>and ${more} more</li>` : ''}</ul>`
      : '';
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(subject)}</title></head>
<body style="margin:0;padding:0;background:#f5f5f5;font-family:'Segoe UI',Arial,sans-serif;color:#242424;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f5f5f5;"><tr><td align="center" style="padding:24px 8px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border:1px solid #e0e0e0;">
<tr><td style="padding:16px 24px;background:#ebebeb;">
<p style="margin:0;font-size:12px;color:#616161;">Managed Response · ${escape(input.organizationName)}</p>
<p style="margin:4px 0 0 0;font-size:18px;font-weight:bold;">${escape(data.title)}</p>
</td></tr>
<tr><td style="padding:16px 24px;">
<p style="margin:0 0 12px 0;font-size:14px;">${escape(greeting)} Defender Experts need you to act on an incident in ${escape(input.organizationName)}.</p>
<table role="presentation" cellpadding="0" cellspacing="0">${factRows}</table>
<p style="margin:16px 0 4px 0;font-size:14px;font-weight:bold;">Summary from the experts</p>
<p style="margin:0;font-size:14px;">${escape(data.headline)}</p>
${actionList}
<table role="presentation" cellpadding="0" cellspacing="0" style="margin:20px 0;"><tr><td style="background:#0f6cbd;padding:10px 16px;">
<a href="${escape(webUrl)}" style="color:#ffffff;font-size:14px;font-weight:bold;text-decoration:none;">Open in Microsoft Defender</a>
</td></tr></table>
<p style="margin:0;font-size:14px;">${escape(data.awaitingBanner)}. Open the Managed Response app in Microsoft Teams to act on them.</p>
</td></tr>
<tr><td style="padding:12px 24px;border-top:1px solid #e0e0e0;font-size:12px;color:#616161;">Why you get this email: ${escape(why)}</td></tr>
</table></td></tr></table>
</body></html>`;
  return { subject, text, html };
}
