// Who clicked, from where, and what they may see: the context every card click is decided in,
// loaded from stored state only (tenant from the Teams origin, role from the tenant's role
// mapping, response and incident by id), and the clicker's own view of the Actions card.
import type { MessageStyle } from '../../../cards/message.ts';
import { DomainError, isDomainError } from '../../domain/errors.ts';
import type { Incident } from '../../domain/incident.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import type { ActionActor } from '../../domain/response-action.ts';
import { resolveRole, type Role } from '../../domain/roles.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { ConversationKind } from '../../shared/conversation-registry.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import type { CardActionResult } from './card-action-result.ts';
import { refusalCode } from './card-action-guard.ts';
import type { DefenderPort } from './ports.ts';
import { refreshAudience, type AudienceSource } from './refresh-audience.ts';
import type { DeviceFactsSource } from './device-facts.ts';
import { renderActionsCard } from '../../../cards/response-actions.ts';
import type { ConfirmIntent } from '../../../cards/response-action-task.ts';

export interface CardCaller {
  tenantId: string;
  /** Entra object id (from.aadObjectId). */
  userId?: string;
  userName?: string;
  conversationId: string;
  kind: ConversationKind;
  /** The caller's Teams id (from.id), for refresh.userIds. */
  mri?: string;
}

export interface CallerContext {
  caller: CardCaller;
  actor: ActionActor;
  tenant: CustomerTenant;
  role: Role;
  response: ManagedResponse;
  incident: Incident | undefined;
}

export interface CallerContextDeps {
  repository: Pick<ManagedResponseRepository, 'get'>;
  defender: DefenderPort;
  incidents: Pick<IncidentDirectory, 'get'>;
  conversations: AudienceSource;
  /** Device facts on the task cards (absent: none shown). */
  deviceFacts?: DeviceFactsSource;
}

export type Banner = { text: string; style: MessageStyle };

export async function loadCallerContext(
  deps: CallerContextDeps,
  caller: CardCaller,
  incidentId: string,
): Promise<CallerContext> {
  const tenant = tenantOf(deps, caller.tenantId);
  const record = await deps.repository.get(tenant.tenantId, incidentId);
  if (!record) {
    throw new DomainError(
      'NOT_FOUND',
      `The experts have not published a managed response for incident ${incidentId}.`,
    );
  }
  const userId = caller.userId ?? '';
  return {
    caller,
    actor: { userId: userId || 'unknown', name: caller.userName ?? 'Unknown user' },
    tenant,
    // No Entra object id (or none in the mapping) means Security Reader: least privilege.
    role: resolveRole(tenant.roles, userId, []),
    response: record.value,
    incident: await deps.incidents.get(tenant.tenantId, incidentId),
  };
}

function tenantOf(deps: CallerContextDeps, tenantId: string): CustomerTenant {
  try {
    return deps.defender.forTenant(tenantId).tenant;
  } catch (err) {
    if (!isDomainError(err, 'NOT_FOUND')) throw err;
    throw new DomainError(
      'NOT_FOUND',
      'Your organisation is not protected by this managed response service.',
    );
  }
}

/** The clicker's own view: their role's buttons, refreshed for them (and the tenant's users). */
export async function callerCard(
  deps: CallerContextDeps,
  ctx: CallerContext,
  response: ManagedResponse,
  extra: { banner?: Banner; confirm?: { actionId: string; intent: ConfirmIntent } } = {},
): Promise<CardActionResult> {
  const mri = ctx.caller.mri ? [ctx.caller.mri] : [];
  const audience =
    ctx.caller.kind === 'personal' ? [] : await refreshAudience(deps.conversations, ctx.tenant);
  const devices = await deps.deviceFacts?.forResponse(response);
  const card = renderActionsCard({
    response,
    ...(devices && { devices }),
    incident: ctx.incident,
    viewer: ctx.role === 'securityOperator' ? 'operator' : 'reader',
    refreshUserIds: [...mri, ...audience],
    ...extra,
  });
  return { kind: 'card', card };
}

export function doneBanner(title: string, status: string): Banner {
  switch (status) {
    case 'inProgress':
      return {
        text: `Started "${title}". Defender is working on it; every copy of this card updates when it finishes.`,
        style: 'accent',
      };
    case 'skipped':
      return {
        text: `Skipped "${title}". The experts will see that you skipped it.`,
        style: 'default',
      };
    default:
      return { text: `Marked "${title}" as completed.`, style: 'good' };
  }
}

export function refusalBanner(error: DomainError): Banner {
  if (refusalCode(error) === 'IN_PROGRESS') return { text: error.message, style: 'warning' };
  const text = error.message.startsWith('Refused') ? error.message : `Refused: ${error.message}`;
  return { text, style: 'attention' };
}
