// Publications used across the managed-response tests.
import type {
  ActionInput,
  PublishInput,
} from '../../../src/features/managed-response/publish-input.ts';
import type { CardCaller } from '../../../src/features/managed-response/card-action-service.ts';
import { DEVICE, OPERATOR, READER, TENANT } from './harness.ts';

export const isolate: ActionInput = {
  id: 'act-isolate',
  kind: 'isolateDevice',
  title: 'Isolate prod-server-01',
  description: 'Cut prod-server-01 off the network so the loader cannot reach its C2 server.',
  impact: 'Order processing stops until the device is released.',
  device: { id: DEVICE, name: 'prod-server-01' },
  isolationType: 'full',
};

export const release: ActionInput = {
  id: 'act-release',
  kind: 'releaseFromIsolation',
  title: 'Release prod-server-01',
  description: 'Release the device once it is clean.',
  device: { id: DEVICE, name: 'prod-server-01' },
};

export const resetPassword: ActionInput = {
  id: 'act-reset',
  kind: 'manual',
  title: 'Reset the password of j.doe@contoso.com',
  description: 'Reset the password and revoke the sessions.',
};

export const blockDomain: ActionInput = {
  id: 'act-block',
  kind: 'manual',
  title: 'Block contoso-supplies.co',
  description: 'Add the domain to the blocked senders list.',
};

export function publication(actions: ActionInput[] = [isolate, resetPassword]): PublishInput {
  return {
    summary: {
      headline: 'A phishing attachment dropped a ransomware loader on prod-server-01.',
      narrative: 'At 08:52 UTC a user opened invoice.iso. The loader started encrypting D:.',
      severity: 'high',
      potentialImpact: 'Encryption of the order file shares.',
      timeline: [{ at: '2026-03-02T08:52:11Z', device: 'prod-server-01', event: 'ISO opened' }],
      indicatorsOfAttack: [],
      indicatorsOfCompromise: [{ type: 'ip', value: '185.220.101.47' }],
    },
    actions,
  };
}

export const expert = { userId: 'expert-oid', name: 'Dana Expert' };

export function caller(overrides: Partial<CardCaller> = {}): CardCaller {
  return {
    tenantId: TENANT,
    userId: OPERATOR,
    userName: 'Alex Wilber',
    conversationId: 'a:alex-chat',
    kind: 'personal',
    mri: '29:alex',
    ...overrides,
  };
}

export const readerCaller = (overrides: Partial<CardCaller> = {}) =>
  caller({
    userId: READER,
    userName: 'Megan Bowen',
    conversationId: 'a:megan-chat',
    mri: '29:megan',
    ...overrides,
  });
