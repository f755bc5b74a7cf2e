import { CardFactory } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/adaptive-card.ts';
import type { CustomerTenant } from '../../src/domain/tenant.ts';
import type { Command } from './command-table.ts';

/** `awaiting`: the incidents that await this tenant's action, newest first. */
export function awaitingCommand(deps: {
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  queueCard: (tenant: CustomerTenant) => Promise<AdaptiveCard>;
}): Command {
  return {
    name: 'awaiting',
    aliases: ['queue', 'pending'],
    description: 'List the incidents that await your action, newest first.',
    example: 'awaiting',
    async run({ turn, origin }) {
      const tenant = deps.tenantOf(origin.tenantId);
      if (!tenant) {
        await turn.sendActivity(
          'Your organisation is not onboarded to the managed response service, so there is no queue to show.',
        );
        return;
      }
      await turn.sendActivity({
        attachments: [CardFactory.adaptiveCard(await deps.queueCard(tenant))],
      });
    },
  };
}
