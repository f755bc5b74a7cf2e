import assert from 'node:assert/strict';
import { decodeName, encodeName, folderName } from '../../src/store/name-encoding.ts';

describe('store folder names', () => {
  const names = [
    '_service',
    '72f988bf-86f1-41af-91ab-2d7cd011db47',
    'deliveryJobs',
    'Tenant.A',
    'a b/c\\d:e*f?',
    '..',
    'journal-1.jsonl',
    '調査🛡️',
    'x\uD800y',
    '~^',
  ];

  it('keeps tenant ids and service names readable', () => {
    assert.equal(encodeName('_service'), '_service');
    assert.equal(
      encodeName('72f988bf-86f1-41af-91ab-2d7cd011db47'),
      '72f988bf-86f1-41af-91ab-2d7cd011db47',
    );
    assert.equal(encodeName('deliveryJobs'), 'delivery^jobs');
  });

  it('maps every name to a distinct, portable folder name and back', () => {
    const encoded = names.map(encodeName);
    assert.equal(
      new Set(encoded.map((e) => e.toLowerCase())).size,
      names.length,
      'distinct even ignoring case',
    );
    for (const [i, name] of names.entries()) {
      assert.match(encoded[i]!, /^[a-z0-9_~^-]+$/);
      assert.equal(decodeName(encoded[i]!), name);
    }
  });

  it('decodes only what it could have encoded', () => {
    for (const folder of ['A', '~41', 'a~zz', 'a.b', '', '^', '.tmp'])
      assert.equal(decodeName(folder), undefined, folder);
  });

  it('refuses empty and overlong names', () => {
    assert.throws(() => folderName('partition', ''), TypeError);
    assert.throws(() => folderName('partition', '🛡'.repeat(30)), /too long/);
    assert.equal(folderName('partition', 'ok'), 'ok');
  });
});
