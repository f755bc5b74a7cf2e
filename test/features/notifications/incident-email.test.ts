// The email fallback's message and its MIME form: the card's facts, escaped HTML that mail
// clients render, the plain-text part, and what Graph reads back (the emulator's MIME reader).
import assert from 'node:assert/strict';
import { incidentEmail } from '../../../cards/incident-email.ts';
import { buildMime } from '../../../src/defender/mime-builder.ts';
import type { Incident } from '../../../src/domain/incident.ts';
import { demoManagedResponses } from '../../../src/emulator/demo-managed-responses.ts';
import { parseMime } from '../../../src/emulator/mime-message.ts';
import {
  emailFallbackJobs,
  emailSettings,
} from '../../../src/features/notifications/email-fallback.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';

const incident: Incident = {
  id: '2972403',
  tenantId: 't-1',
  title: 'Ransomware <img src=x onerror=alert(1)> on prod-server-01',
  severity: 'high',
  status: 'active',
  assignedTo: 'Customer',
  classification: 'truePositive',
  determination: 'malware',
  customTags: [],
  systemTags: ['Defender Experts'],
  webUrl: 'javascript:alert(1)',
  createdAt: '2026-11-29T08:00:00Z',
  lastUpdatedAt: '2026-11-29T09:00:00Z',
  comments: [],
};

const tenant: CustomerTenant = {
  tenantId: 't-1',
  name: 'Contoso',
  expertsAccess: 'reader',
  roles: { operators: [], readers: [] },
  contacts: { primary: [{ userId: 'A-1' }, { userId: 'B-2' }], secondary: [{ userId: 'S-3' }] },
  admins: [],
  socChannels: [],
};

describe('incident email', () => {
  const response = demoManagedResponses(new Date('2026-11-29T09:00:00Z'))[0];
  const email = incidentEmail({
    incident,
    organizationName: 'Contoso',
    response,
    awaitingCount: 2,
    contactName: 'Patti Fernandez',
    reason: { kind: 'fallback', teamsReason: 'the app permission policy blocks the app for them' },
  });

  it('carries the card facts, the reason and a safe portal link in both parts', () => {
    for (const body of [email.text, email.html]) {
      assert.match(body, /2972403/);
      assert.match(body, /High/);
      assert.match(body, /Awaiting Customer Action/);
      assert.match(body, /4 pending actions/);
      assert.match(body, /app permission policy blocks the app/);
      assert.match(body, /https:\/\/security\.microsoft\.com\/incidents/);
      assert.doesNotMatch(body, /javascript:/);
    }
    for (const action of response!.actions) assert.ok(email.text.includes(action.title));
  });

  it('escapes what comes from outside and has no scripts, only inline styles', () => {
    assert.doesNotMatch(email.html, /<img|<script|<style|<link/i);
    assert.match(email.html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(email.html, /<table role="presentation"/);
  });

  it('goes out as multipart/alternative MIME that Graph reads back as both parts', () => {
    const mime = buildMime({
      from: 'security-notifications@contoso.example',
      to: { address: 'pattif@contoso.example', name: 'Patti Fernández' },
      ...email,
      messageId: 'abc@managed-response',
      date: new Date('2026-11-29T09:10:00Z'),
    });
    const parsed = parseMime(mime);
    assert.deepEqual(parsed.to, ['pattif@contoso.example']);
    assert.equal(parsed.from, 'security-notifications@contoso.example');
    assert.equal(parsed.subject, email.subject);
    assert.equal(parsed.textBody, email.text);
    assert.equal(parsed.htmlBody, email.html);
    assert.match(mime, /^To: =\?UTF-8\?B\?/m, 'a non-ASCII name is an encoded word');
  });

  it('plans one email job per primary contact, due after the wait, or at once for "always"', () => {
    const event = {
      id: 'evt-1',
      seq: 1,
      tenantId: 't-1',
      incidentId: '2972403',
      change: { type: 'awaitingCustomer' as const },
      incident,
      detectedAt: '2026-11-29T09:00:05Z',
    };
    const now = '2026-11-29T09:00:06.000Z';
    assert.equal(emailSettings(tenant, { from: '', fallbackAfterMinutes: 10 }), undefined);
    const settings = emailSettings(tenant, {
      from: 'soc@contoso.example',
      fallbackAfterMinutes: 10,
    })!;
    const jobs = emailFallbackJobs(event, tenant, settings, now);
    assert.deepEqual(
      jobs.map((j) => [j.id, j.target.kind, j.notBefore]),
      [
        ['evt-1:email:a-1', 'email', '2026-11-29T09:10:06.000Z'],
        ['evt-1:email:b-2', 'email', '2026-11-29T09:10:06.000Z'],
      ],
    );
    const always = emailSettings(
      { ...tenant, email: { mode: 'always', afterMinutes: 3, from: 'x@contoso.example' } },
      { from: '', fallbackAfterMinutes: 10 },
    )!;
    assert.equal(always.from, 'x@contoso.example');
    assert.equal(emailFallbackJobs(event, tenant, always, now)[0]!.notBefore, undefined);
  });
});
