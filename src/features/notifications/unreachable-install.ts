// A contact with no known 1:1 conversation, in a tenant that opted in (proactiveInstall in the
// tenants file): install the app for them through Graph, record the 1:1 chat Graph returns as a
// conversation (Bot Connector service URL from the tenant's last activity, else the global Teams
// one), so the delivery engine sends the card at once (DeliveryEngineOptions.tryReach). When Graph refuses, the caller tells the admins: a
// missing permission once per tenant (durable), naming exactly what to grant.
import { deliveryTargetKey, type DeliveryTarget } from '../../delivery/delivery-job.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type {
  ConversationRecord,
  ConversationRegistry,
} from '../../shared/conversation-registry.ts';
import type { Store } from '../../store/store.ts';

export const DEFAULT_TEAMS_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';
export const PERMISSION_NOTICES = 'installPermissionNotices';

/** What this needs of the Graph client (src/defender/graph-teams-apps-client.ts). */
export type InstallerOutcome =
  | { kind: 'installed'; chatId: string }
  | { kind: 'alreadyInstalled'; chatId: string }
  | { kind: 'notInCatalog'; detail: string }
  | { kind: 'blockedByPolicy'; detail: string }
  | { kind: 'userNotFound'; detail: string }
  | { kind: 'permissionMissing'; permission: string; detail: string };

export interface TeamsAppInstaller {
  ensureInstalled(userId: string): Promise<InstallerOutcome>;
}

export type InstallResult =
  | { kind: 'reached'; chatId: string }
  | { kind: 'notAttempted' }
  | { kind: 'refused'; code: string; detail: string; tellAdmins: boolean };

export interface ProactiveInstallDeps {
  store: Store;
  conversations: ConversationRegistry;
  installerFor: (tenantId: string) => TeamsAppInstaller | undefined;
  /** The bot's Microsoft App id (its Bot Connector id is 28:<appId>). */
  botAppId: string;
  /** Used when the tenant has no recorded conversation yet (default the global Teams URL). */
  teamsServiceUrl?: string;
  now: Clock;
  logger: Logger;
}

export class ProactiveInstall {
  /** Why the last install for a target did not work, for the admins' notice that follows. */
  readonly #refusals = new Map<string, Extract<InstallResult, { kind: 'refused' }>>();
  /** The latest refusal per target, kept (for "who was reached": why not). */
  readonly #lastRefusal = new Map<string, string>();

  constructor(private readonly deps: ProactiveInstallDeps) {}

  /** The delivery engine's tryReach: true when the contact now has a 1:1 chat with the bot. */
  async reach(tenant: CustomerTenant | undefined, target: DeliveryTarget): Promise<boolean> {
    if (!tenant) return false;
    const result = await this.tryReach(tenant, target, { code: 'NotInstalled' });
    const key = deliveryTargetKey(target);
    if (result.kind === 'refused') {
      this.#refusals.set(key, result);
      this.#lastRefusal.set(key, result.code);
    } else {
      this.#refusals.delete(key);
      if (result.kind === 'reached') this.#lastRefusal.delete(key);
    }
    return result.kind === 'reached';
  }

  /** The code of the latest install refusal for this target in this process, if any. */
  refusalOf(target: DeliveryTarget): string | undefined {
    return this.#lastRefusal.get(deliveryTargetKey(target));
  }

  /** The refusal recorded by reach() for this target, once. */
  takeRefusal(target: DeliveryTarget): Extract<InstallResult, { kind: 'refused' }> | undefined {
    const key = deliveryTargetKey(target);
    const refusal = this.#refusals.get(key);
    this.#refusals.delete(key);
    return refusal;
  }

  async tryReach(
    tenant: CustomerTenant,
    target: DeliveryTarget,
    reason: { code?: string },
  ): Promise<InstallResult> {
    const notInstalled =
      reason.code === 'NotInstalled' || reason.code === 'BotNotInConversationRoster';
    if (!tenant.proactiveInstall || target.kind !== 'personal' || !notInstalled) {
      return { kind: 'notAttempted' };
    }
    const installer = this.deps.installerFor(tenant.tenantId);
    if (!installer) return { kind: 'notAttempted' };
    let outcome: InstallerOutcome;
    try {
      outcome = await installer.ensureInstalled(target.userId);
    } catch (err) {
      this.deps.logger.warn({ err, target }, 'proactive install failed; the contact stays parked');
      return { kind: 'refused', code: 'InstallFailed', detail: String(err), tellAdmins: true };
    }
    if (outcome.kind === 'installed' || outcome.kind === 'alreadyInstalled') {
      await this.record(tenant, target.userId, outcome.chatId);
      this.deps.logger.info(
        { target, outcome: outcome.kind },
        'contact reached by proactive install',
      );
      return { kind: 'reached', chatId: outcome.chatId };
    }
    if (outcome.kind === 'permissionMissing') {
      const first = await this.firstPermissionNotice(tenant.tenantId, outcome.permission);
      return {
        kind: 'refused',
        code: 'InstallPermissionMissing',
        detail: outcome.permission,
        tellAdmins: first,
      };
    }
    const codes = {
      notInCatalog: 'AppNotInCatalog',
      blockedByPolicy: 'AppBlockedByPolicy',
      userNotFound: 'UserNotFound',
    } as const;
    return { kind: 'refused', code: codes[outcome.kind], detail: outcome.detail, tellAdmins: true };
  }

  private async record(tenant: CustomerTenant, userId: string, chatId: string): Promise<void> {
    // The tenant's record written last (two reads), not every conversation of the service.
    const last = await this.deps.conversations.latest(tenant.tenantId, (r) => !!serviceUrlOf(r));
    const serviceUrl =
      (last && serviceUrlOf(last)) ?? this.deps.teamsServiceUrl ?? DEFAULT_TEAMS_SERVICE_URL;
    await this.deps.conversations.record({
      conversationId: chatId,
      kind: 'personal',
      tenantId: tenant.tenantId,
      userId,
      reference: {
        serviceUrl,
        channelId: 'msteams',
        conversation: { id: chatId, conversationType: 'personal', tenantId: tenant.tenantId },
        bot: { id: `28:${this.deps.botAppId}` },
        user: { id: userId, aadObjectId: userId },
      },
      updatedAt: this.deps.now().toISOString(),
    });
  }

  /** True the first time for this tenant and permission (a durable record, so across restarts). */
  private async firstPermissionNotice(tenantId: string, permission: string): Promise<boolean> {
    const key = `${tenantId.toLowerCase()}:${permission}`;
    if (await this.deps.store.get(PERMISSION_NOTICES, key)) return false;
    await this.deps.store.put(PERMISSION_NOTICES, key, { at: this.deps.now().toISOString() });
    return true;
  }
}

function serviceUrlOf(record: ConversationRecord): string | undefined {
  const url: unknown = record.reference.serviceUrl;
  return typeof url === 'string' && url !== '' ? url : undefined;
}
