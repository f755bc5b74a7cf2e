// Microsoft Graph for Teams' "proactively install your app for users" procedure: find this app in
// the tenant's catalog (AppCatalog.Read.All), list the user's installations filtered on it,
// install it when missing, read the 1:1 chat (TeamsAppInstallation.ReadWriteSelfForUser.All).
// Every documented answer becomes an outcome the caller can act on, never a throw for 403/404/409.
import { z } from 'zod';
import { DefenderAuthError, DefenderRequestError } from './errors.ts';
import type { DefenderHttpClient } from './defender-http-client.ts';

/** manifest/manifest.template.json's id: the app's externalId in every tenant's catalog. */
export const MANAGED_RESPONSE_MANIFEST_ID = 'b53c8422-0319-42b0-a694-32e993acfe85';
export const INSTALL_PERMISSION = 'TeamsAppInstallation.ReadWriteSelfForUser.All';
export const CATALOG_PERMISSION = 'AppCatalog.Read.All';

export type InstallOutcome =
  | { kind: 'installed' | 'alreadyInstalled'; chatId: string }
  | { kind: 'notInCatalog'; detail: string }
  | { kind: 'permissionMissing'; permission: string; detail: string }
  | { kind: 'blockedByPolicy'; detail: string }
  | { kind: 'userNotFound'; detail: string };

const listSchema = z.looseObject({ value: z.array(z.looseObject({ id: z.string().min(1) })) });
const chatSchema = z.looseObject({ id: z.string().min(1) });
const noBody = z.unknown();

export class GraphTeamsAppsClient {
  constructor(
    private readonly graph: Pick<DefenderHttpClient, 'send'>,
    /** The manifest id (externalId in the catalog) of this Teams app. */
    private readonly manifestId: string = MANAGED_RESPONSE_MANIFEST_ID,
  ) {}

  /** Makes sure the app is installed for the user and returns their 1:1 chat with the bot. */
  async ensureInstalled(userId: string): Promise<InstallOutcome> {
    try {
      const catalogId = await this.catalogId();
      if (catalogId === undefined) {
        return {
          kind: 'notInCatalog',
          detail: `the app ${this.manifestId} is not in the tenant's Teams app catalog`,
        };
      }
      const existing = await this.installation(userId, catalogId);
      if (existing) return { kind: 'alreadyInstalled', chatId: await this.chat(userId, existing) };
      const installed = await this.install(userId, catalogId);
      const id = await this.installation(userId, catalogId);
      if (!id) throw new DefenderRequestError('graph', 200, 'InstallNotListed', 'not listed');
      return {
        kind: installed ? 'installed' : 'alreadyInstalled',
        chatId: await this.chat(userId, id),
      };
    } catch (error) {
      return classify(error);
    }
  }

  private async catalogId(): Promise<string | undefined> {
    const found = await this.graph.send({
      method: 'GET',
      path: '/v1.0/appCatalogs/teamsApps',
      query: { $filter: `externalId eq '${this.manifestId.replace(/'/g, "''")}'` },
      schema: listSchema,
      permission: CATALOG_PERMISSION,
    });
    return found.value[0]?.id;
  }

  private async installation(userId: string, catalogId: string): Promise<string | undefined> {
    const found = await this.graph.send({
      method: 'GET',
      path: `/v1.0/users/${encodeURIComponent(userId)}/teamwork/installedApps`,
      query: { $expand: 'teamsApp', $filter: `teamsApp/id eq '${catalogId}'` },
      schema: listSchema,
      permission: INSTALL_PERMISSION,
    });
    return found.value[0]?.id;
  }

  /** True when this call installed it; false on 409 (installed meanwhile). */
  private async install(userId: string, catalogId: string): Promise<boolean> {
    try {
      await this.graph.send({
        method: 'POST',
        path: `/v1.0/users/${encodeURIComponent(userId)}/teamwork/installedApps`,
        body: {
          'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${catalogId}`,
        },
        schema: noBody,
        permission: INSTALL_PERMISSION,
        idempotent: false,
      });
      return true;
    } catch (error) {
      if (error instanceof DefenderRequestError && error.status === 409) return false;
      throw error;
    }
  }

  private async chat(userId: string, installationId: string): Promise<string> {
    const chat = await this.graph.send({
      method: 'GET',
      path: `/v1.0/users/${encodeURIComponent(userId)}/teamwork/installedApps/${encodeURIComponent(installationId)}/chat`,
      schema: chatSchema,
      permission: INSTALL_PERMISSION,
    });
    return chat.id;
  }
}

function classify(error: unknown): InstallOutcome {
  if (error instanceof DefenderAuthError && error.status === 403) {
    const said = error.serviceMessage ?? '';
    if (/app permission policy/i.test(said)) return { kind: 'blockedByPolicy', detail: said };
    if (/licen[cs]e/i.test(said)) return { kind: 'blockedByPolicy', detail: said };
    return {
      kind: 'permissionMissing',
      permission: error.permission,
      detail: said || error.message,
    };
  }
  if (error instanceof DefenderRequestError && error.status === 404) {
    return /user/i.test(error.message)
      ? { kind: 'userNotFound', detail: error.message }
      : { kind: 'notInCatalog', detail: error.message };
  }
  throw error;
}
