// `awaiting` and the notification card's "Show all" button (showAwaiting): the incidents that
// await the caller's organisation, newest first, as the awaiting-queue card.
import type { AdaptiveCard } from '../../../cards/adaptive-card.ts';
import type { CardActionHandler, Command } from '../../app/feature.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';

export interface AwaitingQueueDeps {
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  queueCard: (tenant: CustomerTenant) => Promise<AdaptiveCard>;
}

export function awaitingCommand(deps: AwaitingQueueDeps): Command {
  return {
    name: 'awaiting',
    aliases: ['queue', 'pending'],
    description: 'List the incidents that await your action, newest first.',
    example: 'awaiting',
    async run({ from, reply }) {
      const tenant = deps.tenantOf(from.tenantId);
      if (!tenant) {
        await reply.text(
          'Your organisation is not onboarded to the managed response service, so there is no queue to show.',
        );
        return;
      }
      await reply.card(await deps.queueCard(tenant));
    },
  };
}

export function showAwaitingAction(deps: AwaitingQueueDeps): CardActionHandler {
  return async ({ from }) => {
    const tenant = deps.tenantOf(from.tenantId);
    return tenant
      ? { kind: 'card', card: await deps.queueCard(tenant) }
      : {
          kind: 'notice',
          title: 'Not available',
          text: 'Your organisation is not onboarded to the managed response service.',
        };
  };
}
