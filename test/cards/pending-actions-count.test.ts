// An undo (Release from isolation) is the customer's own action: the "N pending actions" on the
// Awaiting Customer Action card, the SOC card and its step line and the chat header count only what the
// experts asked for, whatever the undo's status; the task card still lists the undo.
import assert from 'node:assert/strict';
import { notificationCardData } from '../../cards/incident-notification.ts';
import { chatHeaderData } from '../../cards/chat-header.ts';
import { socIncidentCardData } from '../../cards/soc-incident.ts';
import { pendingActionsLabel } from '../../cards/incident-labels.ts';
import { caller, isolate, resetPassword } from '../features/managed-response/fixtures.ts';
import {
  action,
  actionsCards,
  publish,
  stored,
} from '../features/managed-response/card-helpers.ts';
import { harness, incident, TENANT, type Harness } from '../features/managed-response/harness.ts';

const INCIDENT = '2972403';
const ids = (actionId: string) => ({ incidentId: INCIDENT, actionId });

async function waitFor(check: () => boolean, tries = 500): Promise<void> {
  for (let i = 0; i < tries && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), 'waited in vain');
}

describe('pending actions count: undos are not the experts’ actions', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.postSocCard();
    await publish(h, [isolate, resetPassword]);
    await h.feature.cards.view(caller(), { tenantId: TENANT, incidentId: INCIDENT });
    await h.delivery.drain();
    await h.feature.cards.act('runAction', caller(), ids('act-isolate'));
    await h.settle();
    assert.equal((await action(h, 'act-isolate')).status, 'completed');
  });

  async function counts() {
    const response = await stored(h);
    const card = notificationCardData({
      incident: incident(),
      organizationName: 'Contoso',
      response,
      awaitingCount: 1,
    });
    return {
      card: card.pendingActionsLabel,
      label: pendingActionsLabel(response),
      header: chatHeaderData(incident(), 'Contoso', response).pendingActions,
      soc: socIncidentCardData(incident(), response).pendingActions,
    };
  }

  it('does not count an undo in progress, nor once it completed', async () => {
    h.defender.machineActions.autoFinish = undefined; // Defender is still releasing the device
    await h.feature.cards.undo('confirmUndo', caller(), ids('act-isolate'));
    await waitFor(() => h.defender.machineActions.runs.length === 2);
    assert.equal((await action(h, 'undo-act-isolate')).status, 'inProgress');
    assert.deepEqual(await counts(), {
      card: '1 pending action',
      label: '1 pending action',
      header: [{ label: '1 of 2' }],
      soc: [{ label: '1 of 2' }],
    });
    await h.delivery.drain();
    for (const copy of actionsCards(h)) {
      assert.match(copy, /Release prod-server-01 from isolation/, 'the task card lists the undo');
    }
    h.defender.machineActions.finish('ma-2', 'completed');
    await h.settle();
    assert.equal((await action(h, 'undo-act-isolate')).status, 'completed');
    assert.equal((await counts()).card, '1 pending action');
  });

  it('does not count a failed undo, nor one when nothing else is open', async () => {
    h.defender.machineActions.autoFinish = { status: 'failed', failureReason: 'Device offline.' };
    await h.feature.cards.undo('confirmUndo', caller(), ids('act-isolate'));
    await h.settle();
    assert.equal((await action(h, 'undo-act-isolate')).status, 'failed');
    assert.equal((await counts()).card, '1 pending action');

    await h.feature.cards.act('confirmSkip', caller(), ids('act-reset'));
    assert.equal((await action(h, 'act-reset')).status, 'skipped');
    assert.deepEqual(await counts(), {
      card: 'No pending actions',
      label: 'No pending actions',
      header: [{ label: '0 of 2' }],
      soc: [{ label: '0 of 2' }],
    });
  });
});
