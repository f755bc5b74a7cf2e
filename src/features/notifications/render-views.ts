// The notifications feature's views, rendered by the delivery engine right before each send or
// edit (DeliveryEngineOptions.render): the job names the view (kind + ids), this reads the
// current state. A view it does not know is left to the job's stored activity.
import type { DeliveryJob } from '../../delivery/delivery-job.ts';
import type { RenderView } from '../../delivery/perform-operation.ts';
import { EMAIL_VIEW } from './email-fallback.ts';
import { renderEmail, type RenderEmailDeps } from './render-email.ts';
import { renderSocView, SOC_VIEW, type SocViewDeps } from './soc-view.ts';
import { CONTACT_VIEW, renderContactView, type ContactViewDeps } from './contact-view.ts';

export function viewRenderer(deps: {
  email: RenderEmailDeps;
  soc?: SocViewDeps;
  contact?: ContactViewDeps;
}): RenderView {
  return async (job: DeliveryJob) => {
    const view = job.operation.activity.view;
    if (!view) return undefined;
    switch (view.kind) {
      case EMAIL_VIEW:
        return renderEmail(deps.email, job, view);
      case SOC_VIEW:
        return deps.soc ? renderSocView(deps.soc, view) : undefined;
      case CONTACT_VIEW:
        return deps.contact
          ? renderContactView(deps.contact, view, job.operation.activity.summary)
          : undefined;
      default:
        return undefined;
    }
  };
}
