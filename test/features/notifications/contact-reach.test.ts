// Who was reached, in words, and the SOC card's list of contacts (bounded, so the card stays small).
import assert from 'node:assert/strict';
import { contactLines, socIncidentCard } from '../../../cards/soc-incident.ts';
import { cardSizeBytes } from '../../../cards/card-size.ts';
import { reachWords, type ContactReach } from '../../../src/domain/contact-reach.ts';
import type { Incident } from '../../../src/domain/incident.ts';
import { contactOf } from '../../../src/features/notifications/reach-recorder.ts';

const ids = { tenantId: 't', incidentId: '1', userId: 'u' };
const at = '2026-03-01T08:00:00Z';

const incident: Incident = {
  id: '1',
  tenantId: 't',
  title: 'Incident',
  severity: 'high',
  status: 'active',
  assignedTo: 'Customer',
  classification: 'truePositive',
  determination: 'malware',
  customTags: [],
  systemTags: ['Defender Experts'],
  webUrl: 'https://security.microsoft.com/incidents/1',
  createdAt: at,
  lastUpdatedAt: at,
  comments: [],
};

describe('contact reach', () => {
  it('says how each contact was reached, or why not', () => {
    const words = (r: Partial<ContactReach> | undefined) => reachWords(r && { ...ids, ...r }).how;
    assert.equal(words(undefined), 'Being notified');
    assert.equal(words({ teams: { via: 'teams', at } }), 'Teams');
    assert.equal(words({ teams: { via: 'teamsInstall', at } }), 'Teams (app installed for them)');
    assert.equal(
      words({ notReached: { code: 'InstallPermissionMissing', at }, email: { at } }),
      'Email (Teams: install permission not granted)',
    );
    assert.equal(
      words({ notReached: { code: 'NotInstalled', at } }),
      'Not reached in Teams: app not installed',
    );
    assert.equal(
      words({
        notReached: { code: 'AppNotInCatalog', at },
        emailRefused: { code: 'MailPermissionMissing', at },
      }),
      'Not reached: app not in the catalog; email: Mail.Send not granted',
    );
  });

  it('lists the primary contacts while awaiting, at most 20 lines, and the card stays small', () => {
    const primary = Array.from({ length: 60 }, (_, i) => ({
      userId: `user-${i}`,
      name: `Contact number ${i} with a rather long display name`.repeat(3),
    }));
    const reach = primary.map((c) => ({ ...ids, userId: c.userId, email: { at } }));
    const lines = contactLines(incident, { primary, reach });
    assert.equal(lines.length, 20);
    assert.deepEqual(lines.at(-1), { name: 'Others', how: '41 more contacts' });
    assert.ok(lines.every((l) => l.name.length <= 80));
    const card = socIncidentCard(incident, undefined, { primary, reach });
    assert.ok(cardSizeBytes(card) < 28 * 1024);
    // Not awaiting and nobody tried: no list.
    assert.deepEqual(
      contactLines({ ...incident, assignedTo: 'Defender Experts' }, { primary, reach: [] }),
      [],
    );
  });

  it('knows which jobs notify a contact: cards by their message key, emails by their view', () => {
    const card = {
      id: 'e:contact:u',
      orderingKey: 'k',
      target: { kind: 'personal' as const, tenantId: 't', userId: 'U' },
      operation: { kind: 'send' as const, activity: {} },
      messageKey: 'contact:t:1:u',
      createdAt: at,
    };
    assert.deepEqual(contactOf(card), { ids: { ...ids, userId: 'U' }, channel: 'teams' });
    assert.equal(contactOf({ ...card, messageKey: 'soc:t:1:19:x' }), undefined);
  });
});
