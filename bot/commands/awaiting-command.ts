import { CardFactory } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/adaptive-card.ts';
import type { CustomerTenant } from '../../src/domain/tenant.ts';
import {
  cardResponse,
  noticeResponse,
  type CardActionHandler,
} from '../card-actions/card-action-router.ts';
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

/** The `showAwaiting` card action ("Show all" on notifications): the same queue, as a card. */
export function showAwaitingAction(deps: {
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  queueCard: (tenant: CustomerTenant) => Promise<AdaptiveCard>;
}): CardActionHandler {
  return async ({ origin }) => {
    const tenant = deps.tenantOf(origin.tenantId);
    return tenant
      ? cardResponse(await deps.queueCard(tenant))
      : noticeResponse(
          'Not available',
          'Your organisation is not onboarded to the managed response service.',
        );
  };
}
