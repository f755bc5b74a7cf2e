// The high-value guardrail on the server: before an isolation or an app restriction of a device
// that carries one of the tenant's high-value tags moves to In progress (and so before Defender is
// called), the name typed on the card must be the device's name as Defender for Endpoint gives it.
// The card's own check is a convenience; this one decides. A refusal is a TypedConfirmationError,
// which the card-action service audits and shows on the card like every other refusal; an
// accepted name is audited as a confirmation.
import { assertTypedConfirmation, typedConfirmationFor } from '../../domain/high-value-devices.ts';
import { isOneClick, type ResponseAction } from '../../domain/response-action.ts';
import type { AuditTrail } from './audit-trail.ts';
import type { CallerContext } from './caller-context.ts';
import type { DeviceFactsCache, DeviceFactsSource, RenderedDevices } from './device-facts.ts';

/** The tenant's high-value machine tags as the service runs it (tenants file + admins' changes). */
export type HighValueTagsOf = (tenantId: string) => readonly string[];

export class HighValueGuard {
  constructor(
    private readonly deps: {
      deviceFacts: Pick<DeviceFactsCache, 'get'>;
      highValueTags: HighValueTagsOf;
      audit: Pick<AuditTrail, 'append'>;
    },
  ) {}

  /** Throws the refusal unless the action needs no typed name or `typed` names the device. */
  async assertConfirmed(
    ctx: Pick<CallerContext, 'tenant' | 'actor' | 'response'>,
    action: ResponseAction,
    operation: string,
    typed: string | undefined,
  ): Promise<void> {
    if (!isOneClick(action) || action.target.kind === 'none') return;
    const { tenantId } = ctx.tenant;
    const highValueTags = this.deps.highValueTags(tenantId);
    if (highValueTags.length === 0) return;
    const lookup = await this.deps.deviceFacts.get(tenantId, action.target.deviceId);
    const confirmation = typedConfirmationFor({
      kind: action.kind,
      lookup,
      publishedName: action.target.deviceName,
      highValueTags,
    });
    assertTypedConfirmation(confirmation, typed);
    if (!confirmation) return;
    const why =
      confirmation.tags.length > 0
        ? `high-value tags ${confirmation.tags.join(', ')}`
        : 'Defender could not say whether it is high-value';
    await this.deps.audit.append({
      kind: 'confirmation',
      actor: { ...ctx.actor, via: 'teams' },
      tenantId,
      incidentId: ctx.response.incidentId,
      actionId: action.id,
      operation,
      result: 'deviceNameConfirmed',
      detail: `Typed the name of ${confirmation.deviceName} (${why}).`,
    });
  }
}

/** Device facts for card renders, with the tenant's high-value tags the task cards need. */
export function withHighValueTags(
  source: DeviceFactsSource,
  highValueTags: HighValueTagsOf,
): DeviceFactsSource {
  return {
    async forResponse(response): Promise<RenderedDevices> {
      const rendered = await source.forResponse(response);
      const tags = highValueTags(response.tenantId);
      return tags.length > 0 ? { ...rendered, highValueTags: tags } : rendered;
    },
  };
}
