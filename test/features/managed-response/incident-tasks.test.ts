import assert from 'node:assert/strict';
import { DefenderRequestError } from '../../../src/defender/errors.ts';
import { AuditTrail } from '../../../src/features/managed-response/audit-trail.ts';
import { IncidentTasks } from '../../../src/features/managed-response/incident-tasks.ts';
import { IncidentDirectory } from '../../../src/shared/incident-directory.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../../src/watcher/incident-snapshots.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';
import { contoso, FakeDefender, incident, quiet, TENANT } from './harness.ts';

describe('managed response: incident tasks (Graph updates)', () => {
  let store: MemoryStore;
  let defender: FakeDefender;
  let ms: number;
  let tasks: IncidentTasks;
  let audit: AuditTrail;

  beforeEach(async () => {
    store = new MemoryStore();
    ms = Date.parse('2026-03-02T10:00:00Z');
    const now = () => new Date(ms);
    defender = new FakeDefender(contoso(), new Map([['2972403', incident()]]));
    audit = new AuditTrail(store, now);
    await store.put(SNAPSHOTS_COLLECTION, snapshotKey(TENANT, '2972403'), incident());
    tasks = new IncidentTasks({
      store,
      defender,
      incidents: new IncidentDirectory(store),
      audit,
      logger: quiet,
      now,
      maxAttempts: 3,
      baseDelayMs: 1_000,
    });
  });

  async function createTask(kind: 'handToCustomer' | 'handBack' | 'comment') {
    const { task, op } = tasks.create({
      tenantId: TENANT,
      incidentId: '2972403',
      kind,
      comment: 'note',
    });
    await store.batch([op]);
    return task;
  }

  it('retries a failed update with backoff, without repeating a PATCH that went through', async () => {
    const task = await createTask('handBack');
    defender.incidents.failures.push(
      new DefenderRequestError('graph', 503, 'ServiceUnavailable', 'busy'),
    );
    assert.equal(await tasks.run(task.id), false);
    let [pending] = await tasks.pending();
    assert.equal(pending?.attempts, 1);
    assert.equal(pending?.notBefore, '2026-03-02T10:00:01.000Z');

    await tasks.runDue();
    assert.equal((await tasks.pending()).length, 1, 'not due yet');
    ms += 1_000;
    // The PATCH succeeds now, the comment fails: the retry posts only the comment.
    defender.incidents.commentFailures.push(
      new DefenderRequestError('graph', 503, 'ServiceUnavailable', 'x'),
    );
    await tasks.runDue();
    [pending] = await tasks.pending();
    assert.equal(pending?.patched, true);
    assert.equal(pending?.attempts, 2);
    ms += 2_000;
    await tasks.runDue();
    assert.deepEqual(await tasks.pending(), []);
    assert.deepEqual(defender.incidents.updates, [
      { id: '2972403', update: { status: 'inProgress', assignedTo: 'Defender Experts' } },
    ]);
    assert.deepEqual(defender.incidents.comments, [{ id: '2972403', comment: 'note' }]);
  });

  it('gives up after maxAttempts and audits the failure', async () => {
    const task = await createTask('comment');
    for (let i = 0; i < 3; i++) {
      defender.incidents.failures.push(
        new DefenderRequestError('graph', 500, 'InternalServerError', 'down'),
      );
      await tasks.run(task.id);
      ms += 60_000;
    }
    const [left] = await tasks.pending();
    assert.equal(left?.failed, true);
    await tasks.runDue();
    assert.equal(defender.incidents.comments.length, 0, 'a failed task is left for operators');
    const entry = (await audit.list()).find((e) => e.kind === 'incidentUpdate');
    assert.equal(entry?.result, 'failed');
    assert.match(entry?.detail ?? '', /down/);
  });

  it('hands over with status active and assignedTo Customer', async () => {
    const task = await createTask('handToCustomer');
    assert.equal(await tasks.run(task.id), true);
    assert.deepEqual(defender.incidents.updates[0]?.update, {
      status: 'active',
      assignedTo: 'Customer',
    });
  });
});
