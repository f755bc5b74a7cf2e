import assert from 'node:assert/strict';
import {
  compileFilter,
  ODataQueryError,
  parseCount,
  type FilterFields,
} from '../../src/emulator/odata-filter.ts';

interface Row {
  status: string;
  assignedTo: string | null;
  updated: string;
}

const fields: FilterFields<Row> = {
  status: { kind: 'string', get: (r) => r.status },
  assignedTo: { kind: 'string', get: (r) => r.assignedTo },
  lastUpdateDateTime: { kind: 'datetime', get: (r) => r.updated },
};

const rows: Row[] = [
  { status: 'active', assignedTo: null, updated: '2025-01-01T10:00:00Z' },
  { status: 'inProgress', assignedTo: 'Defender Experts', updated: '2025-01-01T11:00:00.500Z' },
  { status: 'resolved', assignedTo: "O'Brien", updated: '2025-01-01T12:00:00Z' },
];

const matching = (expression: string) =>
  rows.filter(compileFilter(expression, fields)).map((r) => r.status);

describe('emulator: OData $filter subset', () => {
  it('compares strings case-insensitively and handles quotes and null', () => {
    assert.deepEqual(matching("status eq 'INPROGRESS'"), ['inProgress']);
    assert.deepEqual(matching("assignedTo eq 'O''Brien'"), ['resolved']);
    assert.deepEqual(matching('assignedTo eq null'), ['active']);
    assert.deepEqual(matching('assignedTo ne null'), ['inProgress', 'resolved']);
    assert.deepEqual(matching("status ne 'active'"), ['inProgress', 'resolved']);
  });

  it('compares date-times as instants, with or without quotes and fractions', () => {
    assert.deepEqual(matching('lastUpdateDateTime ge 2025-01-01T11:00:00.500Z'), [
      'inProgress',
      'resolved',
    ]);
    assert.deepEqual(matching('lastUpdateDateTime gt 2025-01-01T11:00:00.500Z'), ['resolved']);
    assert.deepEqual(matching("lastUpdateDateTime lt '2025-01-01T12:00:00+00:30'"), [
      'active',
      'inProgress',
    ]);
    assert.deepEqual(matching('lastUpdateDateTime le 2025-01-01T10:00:00Z'), ['active']);
  });

  it('combines with and, or, not and parentheses', () => {
    assert.deepEqual(
      matching("lastUpdateDateTime ge 2025-01-01T10:30:00Z and status eq 'resolved'"),
      ['resolved'],
    );
    assert.deepEqual(matching("status eq 'active' or status eq 'resolved'"), [
      'active',
      'resolved',
    ]);
    assert.deepEqual(matching("not (status eq 'active' or status eq 'resolved')"), ['inProgress']);
    assert.deepEqual(
      matching(
        "(status eq 'active' or status eq 'inProgress') and assignedTo eq 'Defender Experts'",
      ),
      ['inProgress'],
    );
  });

  it('rejects unknown properties, operators, bad literals and trailing text', () => {
    for (const bad of [
      "colour eq 'red'",
      "status like 'a'",
      'status eq active',
      'lastUpdateDateTime ge yesterday',
      "status eq 'a' and",
      "status eq 'a' status",
      "(status eq 'a'",
      "status eq 'unterminated",
      'assignedTo gt null',
      '',
    ]) {
      assert.throws(() => compileFilter(bad, fields), ODataQueryError, bad);
    }
  });

  it('parses $top / $skip counts', () => {
    assert.equal(parseCount(null, '$top', 50), 50);
    assert.equal(parseCount('7', '$top', 50), 7);
    assert.throws(() => parseCount('-1', '$top', 50), ODataQueryError);
    assert.throws(() => parseCount('1.5', '$skip', 0), ODataQueryError);
  });
});

describe('emulator: OData $filter lambdas, string functions and name matching', () => {
  interface Device {
    name: string;
    tags: string[];
  }
  const deviceFields: FilterFields<Device> = {
    computerDnsName: { kind: 'string', get: (d) => d.name },
    machineTags: { kind: 'collection', get: (d) => d.tags },
  };
  const devices: Device[] = [
    { name: 'contoso-dc-01', tags: ['HighValue', 'Domain Controller'] },
    { name: 'prod-server-01', tags: ['Production'] },
    { name: 'ops-ws-31', tags: [] },
  ];
  const find = (expression: string, caseInsensitiveNames = false) =>
    devices
      .filter(compileFilter(expression, deviceFields, { caseInsensitiveNames }))
      .map((d) => d.name);

  it('matches collection/any(x: x op value), in both spellings', () => {
    assert.deepEqual(find("machineTags/any(tag: tag eq 'highvalue')"), ['contoso-dc-01']);
    assert.deepEqual(find("machineTags/any(t:t eq 'Production')"), ['prod-server-01']);
    assert.deepEqual(find("not machineTags/any(t: t eq 'Production')"), [
      'contoso-dc-01',
      'ops-ws-31',
    ]);
    assert.deepEqual(
      find("machineTags/any(t: t eq 'Production') or computerDnsName eq 'ops-ws-31'"),
      ['prod-server-01', 'ops-ws-31'],
    );
  });

  it('supports startswith, endswith and contains, case-insensitively', () => {
    assert.deepEqual(find("startswith(computerDnsName,'PROD')"), ['prod-server-01']);
    assert.deepEqual(find("endswith(computerDnsName, '-01')"), ['contoso-dc-01', 'prod-server-01']);
    assert.deepEqual(find("contains(computerDnsName,'ws')"), ['ops-ws-31']);
  });

  it('matches property names exactly unless asked to ignore case', () => {
    assert.throws(() => find("ComputerDnsName eq 'ops-ws-31'"), ODataQueryError);
    assert.deepEqual(find("ComputerDnsName eq 'ops-ws-31'", true), ['ops-ws-31']);
    assert.deepEqual(find("MachineTags/any(t: t eq 'production')", true), ['prod-server-01']);
  });

  it('rejects malformed lambdas and misuse of collections and functions', () => {
    for (const bad of [
      "machineTags eq 'HighValue'",
      "machineTags/any(t: x eq 'HighValue')",
      "machineTags/any(t eq 'HighValue')",
      "machineTags/any(t: t eq 'HighValue'",
      "computerDnsName/any(t: t eq 'x')",
      "startswith(machineTags,'x')",
      "startswith(computerDnsName 'x')",
      'startswith(computerDnsName,x)',
    ]) {
      assert.throws(() => find(bad), ODataQueryError, bad);
    }
  });
});
