import assert from 'node:assert/strict';
import { partitionRouter } from '../../src/app/partition-rules.ts';
import { ChatStore } from '../../src/features/chat/chat-store.ts';
import { SERVICE_PARTITION } from '../../src/store/partitioned-store.ts';
import { PartitionRouter } from '../../src/store/partition-router.ts';
import { tenantField } from '../../src/store/tenant-key-rule.ts';
import { MemoryStore } from '../fakes/memory-store.ts';

const T = '6f1c2b4e-0000-4000-8000-00000000000a';

describe('tenantField', () => {
  it('takes the field before the separator, lower-cased, from a key and a whole prefix', () => {
    const rule = tenantField(0);
    assert.equal(rule(`${T.toUpperCase()}:42`, false), T);
    assert.equal(rule(`${T}:`, true), T);
  });

  it('names no tenant for a prefix that stops inside the tenant, or a key without one', () => {
    const rule = tenantField(0);
    assert.equal(rule(T.slice(0, 8), true), undefined);
    assert.equal(rule('job-1', false), undefined);
    assert.equal(rule('', true), undefined);
  });

  it('decodes an encoded key, also a prefix cut inside an escape', () => {
    const rule = tenantField(0, { encoded: true });
    assert.equal(rule(encodeURIComponent(`${T}:7:2026-12-03T10:00:00.000Z`), false), T);
    assert.equal(rule(`${encodeURIComponent(T)}%3`, true), undefined);
    assert.equal(rule(`${encodeURIComponent(T)}%3A`, true), T);
    assert.equal(rule('50%', false), undefined);
  });

  it('skips the kind words in front of the tenant', () => {
    const rule = tenantField(0, { kinds: ['chat-msg', 'chat', 'soc'] });
    assert.equal(rule(`soc:${T}:1:channel`, false), T);
    assert.equal(rule(`chat-msg:chat:${T}:1:in`, false), T);
    assert.equal(rule('chat:', true), undefined);
  });

  it('takes the last field of a whole key only when told to', () => {
    assert.equal(tenantField(0, { last: true })(T, false), T);
    assert.equal(tenantField(0, { last: true })(T, true), undefined);
    assert.equal(tenantField(0)(T, false), undefined);
    const audit = tenantField(3, { separator: '~', encoded: true, last: true });
    assert.equal(audit(`2026-12-03T10:00:00.000Z~000001~ab12cd~${T}`, false), T);
    assert.equal(audit('2026-12-03T10:00:00.000Z~000001~ab12cd', false), undefined);
  });
});

describe('PartitionRouter', () => {
  const router = new PartitionRouter([{ collection: 'things', tenantOf: tenantField(0) }]);

  it('puts a record in its tenant’s partition, and records of no tenant in _service', () => {
    assert.equal(router.partitionOf('things', `${T}:1`), T);
    assert.equal(router.partitionOf('things', 'legacy'), '_service');
    assert.equal(router.partitionOf('unruled', `${T}:1`), '_service');
  });

  it('never routes a key into the service or the legacy partition by name', () => {
    assert.equal(router.partitionOf('things', '_service:1'), '_service');
    assert.equal(router.partitionOf('things', 'main:1'), '_service');
  });

  it('narrows a list to one partition only when its prefix names the tenant', () => {
    assert.equal(router.partitionOfPrefix('things', `${T}:`), T);
    assert.equal(router.partitionOfPrefix('things', ''), undefined);
    assert.equal(router.partitionOfPrefix('unruled', ''), '_service');
  });

  it('refuses a batch over two partitions with a TypeError that names both records', () => {
    const ops = [
      { collection: 'things', key: `${T}:1` },
      { collection: 'things', key: 'legacy' },
    ];
    assert.throws(
      () => router.partitionOfBatch(ops),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /things\/.*:1 is in .*things\/legacy in _service/);
        return true;
      },
    );
    assert.equal(router.partitionOfBatch([ops[0]!, { collection: 'things', key: `${T}:2` }]), T);
  });

  it('refuses two rules for one collection', () => {
    const rule = { collection: 'things', tenantOf: tenantField(0) };
    assert.throws(() => new PartitionRouter([rule, rule]), TypeError);
  });
});

describe('partitionRules (the app’s collections)', () => {
  const router = partitionRouter();
  const enc = encodeURIComponent;

  it('finds the tenant in each key layout the features write', () => {
    const cases: [string, string][] = [
      ['managedResponses', `${T}:7`],
      ['watermarks', T],
      ['teamsPacing', T],
      ['outbox', `${enc(T)}:0000000000000001`],
      ['outboxMeta', enc(T)],
      ['outboxIds', `${enc(T)}:${enc(`${T}:7:2026-12-03T10:00:00.000Z:expertsStarted`)}`],
      ['outboxIds', `${enc(T)}:${enc('experts:1:responsePublished')}`],
      ['deliveryJobs', enc(`${T}:7:2026-12-03T10:00:00.000Z:expertsStarted:soc:c1`)],
      ['deliveryJobs', enc(`mr:${T}:7:19:abc@thread.tacv2:stamp`)],
      ['deliveryMessages', enc(`chat-msg:chat:${T}:7:in:h:a1`)],
      ['deliveryJobs', enc(`reminder:${T}:7:1772438400000:1:u1`)],
      ['deliveryJobs', enc(`escalation:${T}:7:1772438400000:u2`)],
      ['deliveryJobs', enc(`reach:claim:${T}:7:claimIncident-1:u1:soc:19:abc@thread.tacv2`)],
      ['deliveryUnreachable', enc(`email:${T}:u1`)],
      ['deliveryUnreachable', enc(`conversation:${T}:19:abc@thread.tacv2`)],
      ['unreachableReports', `personal:${T}:u1`],
      ['managedResponseIncidentTasks', `2026-12-03T10:00:00.000Z~${T}:7:handBack:1`],
      ['managedResponseAudit', `2026-12-03T10:00:00.000Z~000001~ab12cd~${enc(T)}`],
      ['chatTranscript', `${enc(`${T}:7`)}:00000001`],
      ['chatPending', enc(`chat:${T}:7:in:h:a1`)],
      ['personalChats', `${T}:u1`],
      ['tenantConversations', `${T}:channel:19:abc@thread.tacv2`],
      ['tenantLatestConversation', T],
      ['managedResponseOpenSteps', `${T}:7:u1`],
    ];
    // The chat relay's bindings and seen markers, as the chat store keys them.
    const chat = new ChatStore(new MemoryStore());
    const conversation = '19:abc@thread.tacv2;messageid=m1';
    const binding = { tenantId: T.toUpperCase(), incidentId: '7', boundAt: '2026-12-03T10:00Z' };
    for (const op of [
      chat.bindingOp(conversation, binding),
      chat.seenOp(T, `message|${conversation}|a1`, '2026-12-03T10:00Z'),
      chat.deleteSeenOp(T, `comment|message|${conversation}|a1`),
    ]) {
      cases.push([op.collection, op.key]);
    }
    for (const [collection, key] of cases) {
      assert.equal(router.partitionOf(collection, key), T, `${collection}/${key}`);
    }
  });

  it('keeps the chat keys of before, which name no tenant, in the service partition', () => {
    for (const [collection, key] of [
      ['chatBindings', enc('a:1a2b3c4d-0000-4000-8000-000000000001')],
      ['chatBindings', enc('19:abc@thread.tacv2;messageid=m1')],
      ['chatSeen', enc('message|19:abc@thread.tacv2|a1')],
    ] as const) {
      assert.equal(router.partitionOf(collection, key), SERVICE_PARTITION, `${collection}/${key}`);
    }
  });
});
