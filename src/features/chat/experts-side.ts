// Where the experts read and answer customers: their tenant and the "Customer conversations"
// channel. In local/demo mode (the Defender XDR emulator) both default to the ids of
// scripts/playground/experts.yml, so two Agents Playground processes can play both sides.
import type { ExpertsSide } from './chat-jobs.ts';

export const DEMO_EXPERTS_SIDE: ExpertsSide = {
  tenantId: '3e1d7c5a-2f4b-4a6c-9d8e-5f0a1b2c3d4e',
  channelId: '19:experts-customer-conversations@thread.tacv2',
  name: 'Defender Experts',
};

/**
 * The experts' side from configuration (EXPERTS_TENANT_ID, EXPERTS_CHANNEL_ID). Undefined when
 * neither is set outside demo mode (the chat relay is then off); throws when only one is set,
 * naming the missing variable.
 */
export function resolveExpertsSide(input: {
  tenantId: string;
  channelId: string;
  name?: string;
  demo: boolean;
}): ExpertsSide | undefined {
  const name = input.name || DEMO_EXPERTS_SIDE.name;
  if (input.demo) {
    return {
      tenantId: input.tenantId || DEMO_EXPERTS_SIDE.tenantId,
      channelId: input.channelId || DEMO_EXPERTS_SIDE.channelId,
      name,
    };
  }
  if (!input.tenantId && !input.channelId) return undefined;
  if (!input.tenantId || !input.channelId) {
    const missing = input.tenantId ? 'EXPERTS_CHANNEL_ID' : 'EXPERTS_TENANT_ID';
    throw new Error(
      `${missing} is not set: the chat relay needs both EXPERTS_TENANT_ID (the experts' Entra tenant) and EXPERTS_CHANNEL_ID (their "Customer conversations" channel, 19:...@thread.tacv2).`,
    );
  }
  return { tenantId: input.tenantId, channelId: input.channelId, name };
}
