import assert from 'node:assert/strict';
import { GraphIncidentsClient } from '../../src/defender/graph-incidents-client.ts';
import { FakeFetch, TENANT_ID, fixture, jsonResponse, testHttpClient } from './fakes.ts';

const BASE = 'https://graph.microsoft.com/v1.0/security/incidents';

function client(fake: FakeFetch) {
  return new GraphIncidentsClient(testHttpClient(fake), TENANT_ID);
}

describe('GraphIncidentsClient', () => {
  it('lists changes since a watermark, ordered, paged, following @odata.nextLink', async () => {
    const fake = new FakeFetch().respond(
      () => jsonResponse(200, fixture('graph-incidents-page-1.json')),
      () => jsonResponse(200, fixture('graph-incidents-page-2.json')),
    );
    const incidents = await client(fake).listIncidents({
      updatedSince: '2021-09-30T00:00:00Z',
      pageSize: 2,
    });

    assert.deepEqual(
      incidents.map((i) => i.id),
      ['2972395', '2972396', '2972397'],
    );
    assert.equal(
      fake.calls[0]!.url,
      `${BASE}?$filter=lastUpdateDateTime%20ge%202021-09-30T00%3A00%3A00.000Z` +
        `&$orderby=lastUpdateDateTime%20asc&$top=2`,
    );
    assert.equal(fake.calls[1]!.url, `${BASE}?$skiptoken=page2`);
    for (const call of fake.calls) {
      assert.equal(call.headers.prefer, 'include-unknown-enum-members');
    }
  });

  it('maps Graph incidents to the domain, whatever the enum casing and comment shape', async () => {
    const fake = new FakeFetch().respond(
      () => jsonResponse(200, fixture('graph-incidents-page-1.json')),
      () => jsonResponse(200, fixture('graph-incidents-page-2.json')),
    );
    const [first, second, third] = await client(fake).listIncidents();

    assert.deepEqual(first, {
      id: '2972395',
      tenantId: TENANT_ID,
      title: 'Multi-stage incident involving Initial access & Command and control on one endpoint',
      description:
        'Microsoft observed Raspberry Robin worm activity spreading through infected USB on multiple devices in your environment.',
      severity: 'medium',
      status: 'active',
      assignedTo: 'KaiC@contoso.onmicrosoft.com',
      classification: 'truePositive',
      determination: 'multiStagedAttack',
      customTags: ['Demo'],
      systemTags: ['Defender Experts'],
      webUrl: `https://security.microsoft.com/incidents/2972395?tid=${TENANT_ID}`,
      createdAt: '2021-08-13T08:43:35.5533333Z',
      lastUpdatedAt: '2021-09-30T09:35:45.1133333Z',
      comments: [
        {
          comment: 'Demo incident',
          createdBy: 'DavidS@contoso.onmicrosoft.com',
          createdAt: '2021-09-30T12:07:37.2756993Z',
        },
      ],
    });
    assert.equal(second!.status, 'awaitingAction');
    assert.equal(second!.assignedTo, null);
    assert.equal(second!.severity, 'high');
    // Unknown determination → 'unknown'; `tags` used when customTags is absent.
    assert.equal(third!.determination, 'unknown');
    assert.equal(third!.severity, 'high');
    assert.deepEqual(third!.customTags, ['Legacy tag']);
    assert.deepEqual(third!.comments, [
      {
        comment: 'Experts are investigating',
        createdBy: 'Defender Experts',
        createdAt: '2021-09-30T11:00:00Z',
      },
    ]);
  });

  it('yields page by page so a watcher can advance its watermark', async () => {
    const fake = new FakeFetch().respond(
      () => jsonResponse(200, fixture('graph-incidents-page-1.json')),
      () => jsonResponse(200, fixture('graph-incidents-page-2.json')),
    );
    const sizes: number[] = [];
    for await (const page of client(fake).pages()) sizes.push(page.incidents.length);
    assert.deepEqual(sizes, [2, 1]);
  });

  it('gets an incident with its alerts, devices and files', async () => {
    const fake = new FakeFetch(() => jsonResponse(200, fixture('graph-incident-with-alerts.json')));
    const { incident, alerts } = await client(fake).getIncident('2972395');

    assert.equal(fake.calls[0]!.url, `${BASE}/2972395?$expand=alerts`);
    assert.equal(fake.calls[0]!.headers.prefer, 'include-unknown-enum-members');
    assert.equal(incident.status, 'awaitingAction');
    assert.equal(incident.assignedTo, 'Customer');
    assert.deepEqual(incident.customTags, ['Demo']);
    assert.deepEqual(alerts, [
      {
        id: 'da637578995287051192_756343937',
        title: 'Suspicious execution of hidden file',
        severity: 'medium',
        createdAt: '2021-08-13T08:43:35.5533333Z',
        devices: [
          {
            deviceId: '73e7e2de709dff64ef64b1d0c30e67fab63279db',
            deviceName: 'tempdev.contoso.com',
          },
        ],
        files: [
          {
            sha1: '5f1e8acedc065031aad553b710838eb366cfee9a',
            sha256: '8963a19fb992ad9a76576c5638fd68292cffb9aaac29eb8285f9abf6196a7dec',
            fileName: 'MsSense.exe',
            deviceId: '73e7e2de709dff64ef64b1d0c30e67fab63279db',
          },
        ],
      },
      {
        id: 'da637551227677560813_-961444813',
        title: 'Suspicious URL clicked',
        severity: 'high',
        devices: [
          {
            deviceId: '2ca4d9b8a4f91b6ab3f0e8ab0d0f8aab0f2b6b93',
            deviceName: 'laptop-17.contoso.com',
          },
          {
            deviceId: '73e7e2de709dff64ef64b1d0c30e67fab63279db',
            deviceName: 'tempdev.contoso.com',
          },
        ],
        files: [{ sha1: '0aa1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3', fileName: 'invoice.js' }],
      },
    ]);
  });

  it('PATCHes only the given triage fields, camelCase, and returns the updated incident', async () => {
    const updated = {
      ...(fixture('graph-incident-with-alerts.json') as object),
      status: 'Resolved',
      classification: 'FalsePositive',
    };
    const fake = new FakeFetch(() => jsonResponse(200, updated));
    const incident = await client(fake).updateIncident('2972395', {
      status: 'resolved',
      assignedTo: null,
      classification: 'falsePositive',
      determination: 'notMalicious',
      customTags: ['Defender Experts'],
    });
    assert.equal(fake.calls[0]!.method, 'PATCH');
    assert.equal(fake.calls[0]!.url, `${BASE}/2972395`);
    assert.equal(fake.calls[0]!.headers.prefer, 'include-unknown-enum-members');
    assert.deepEqual(fake.calls[0]!.body, {
      status: 'resolved',
      assignedTo: null,
      classification: 'falsePositive',
      determination: 'notMalicious',
      customTags: ['Defender Experts'],
    });
    assert.equal(incident.status, 'resolved');
    assert.equal(incident.classification, 'falsePositive');

    const partial = new FakeFetch(() => jsonResponse(200, updated));
    await client(partial).updateIncident('2972395', { assignedTo: 'Customer' });
    assert.deepEqual(partial.calls[0]!.body, { assignedTo: 'Customer' });
  });

  it('reads the incident back when a PATCH answers 204', async () => {
    const fake = new FakeFetch().respond(
      () => new Response(null, { status: 204 }),
      () => jsonResponse(200, fixture('graph-incident-with-alerts.json')),
    );
    const incident = await client(fake).updateIncident('2972395', { status: 'inProgress' });
    assert.equal(incident.id, '2972395');
    assert.equal(fake.calls[1]!.method, 'GET');
  });

  it('posts a comment as an alertComment and returns the full comment list', async () => {
    const fake = new FakeFetch(() => jsonResponse(200, fixture('graph-incident-comments.json')));
    const comments = await client(fake).addComment('2972395', 'Isolated the device');
    assert.equal(fake.calls[0]!.method, 'POST');
    assert.equal(fake.calls[0]!.url, `${BASE}/2972395/comments`);
    assert.deepEqual(fake.calls[0]!.body, {
      '@odata.type': 'microsoft.graph.security.alertComment',
      comment: 'Isolated the device',
    });
    assert.equal(comments.length, 2);
    assert.deepEqual(comments[1], {
      comment: 'Isolated the device',
      createdBy: 'Managed response bot',
      createdAt: '2024-09-03T05:40:00Z',
    });
  });
});
