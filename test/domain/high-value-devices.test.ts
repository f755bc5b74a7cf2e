import assert from 'node:assert/strict';
import type { DeviceFacts, DeviceLookup } from '../../src/domain/device-facts.ts';
import {
  assertTypedConfirmation,
  highValueTagsOf,
  typedConfirmationFor,
  typedNameMatches,
  TypedConfirmationError,
} from '../../src/domain/high-value-devices.ts';

function facts(overrides: Partial<DeviceFacts> = {}): DeviceLookup {
  return {
    kind: 'facts',
    facts: { id: 'd1', name: 'contoso-dc-01', tags: ['HighValue', 'Tier 0'], ...overrides },
  };
}

const base = { publishedName: 'dc-01 (published)', highValueTags: ['highvalue'] };

describe('high-value devices', () => {
  it('matches tags ignoring case and spaces, keeping the device spelling', () => {
    assert.deepEqual(highValueTagsOf(['HighValue', 'Tier 0', 'VIP'], [' tier 0 ', 'HIGHVALUE']), [
      'HighValue',
      'Tier 0',
    ]);
    assert.deepEqual(highValueTagsOf(['Finance'], ['HighValue']), []);
  });

  it('asks a typed name for isolation and app restriction of a tagged device only', () => {
    const lookup = facts();
    assert.deepEqual(typedConfirmationFor({ ...base, kind: 'isolateDevice', lookup }), {
      deviceName: 'contoso-dc-01',
      tags: ['HighValue'],
    });
    assert.ok(typedConfirmationFor({ ...base, kind: 'restrictAppExecution', lookup }));
    for (const kind of [
      'releaseFromIsolation',
      'removeAppRestriction',
      'quarantineFile',
    ] as const) {
      assert.equal(typedConfirmationFor({ ...base, kind, lookup }), undefined, kind);
    }
    const untagged = facts({ tags: ['Finance'] });
    assert.equal(
      typedConfirmationFor({ ...base, kind: 'isolateDevice', lookup: untagged }),
      undefined,
    );
    const noList = { ...base, highValueTags: [] };
    assert.equal(typedConfirmationFor({ ...noList, kind: 'isolateDevice', lookup }), undefined);
  });

  it('still asks, with the published name, when Defender could not say what the device carries', () => {
    for (const lookup of [{ kind: 'unavailable' } as const, undefined]) {
      assert.deepEqual(typedConfirmationFor({ ...base, kind: 'isolateDevice', lookup }), {
        deviceName: 'dc-01 (published)',
        tags: [],
      });
    }
  });

  it('accepts the name trimmed and in any case, and the host part of a DNS name', () => {
    assert.equal(typedNameMatches('  CONTOSO-DC-01 ', 'contoso-dc-01'), true);
    assert.equal(typedNameMatches('contoso-dc-01', 'contoso-dc-01.contoso.local'), true);
    assert.equal(
      typedNameMatches('Contoso-DC-01.contoso.local', 'contoso-dc-01.contoso.local'),
      true,
    );
    assert.equal(typedNameMatches('contoso-dc-02', 'contoso-dc-01'), false);
    assert.equal(typedNameMatches('contoso', 'contoso-dc-01'), false);
    assert.equal(typedNameMatches('', 'contoso-dc-01'), false);
    assert.equal(typedNameMatches(undefined, 'contoso-dc-01'), false);
  });

  it('refuses a missing or wrong name with a code and a message that says what to do', () => {
    const confirmation = { deviceName: 'contoso-dc-01', tags: ['HighValue'] };
    const refusal = (typed: string | undefined) => {
      try {
        assertTypedConfirmation(confirmation, typed);
      } catch (err) {
        assert.ok(err instanceof TypedConfirmationError);
        return err;
      }
      return undefined;
    };
    const missing = refusal('  ');
    assert.equal(missing?.refusal, 'DEVICE_NAME_MISSING');
    assert.match(
      missing?.message ?? '',
      /^Refused: contoso-dc-01 is a high-value device \(HighValue\).*Type contoso-dc-01 in the box/,
    );
    const wrong = refusal('contoso-dc-02');
    assert.equal(wrong?.refusal, 'DEVICE_NAME_MISMATCH');
    assert.match(
      wrong?.message ?? '',
      /the name you typed is not contoso-dc-01\. .*Nothing was sent to Defender\./,
    );
    assert.doesNotMatch(wrong?.message ?? '', /contoso-dc-02/, 'the typed text is not echoed');
    assert.equal(refusal('Contoso-DC-01'), undefined);
    assert.doesNotThrow(() => assertTypedConfirmation(undefined, undefined));
  });
});
