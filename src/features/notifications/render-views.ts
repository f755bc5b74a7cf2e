// The notifications feature's views, rendered by the delivery engine right before each send or
// edit (DeliveryEngineOptions.render): the job names the view (kind + ids), this reads the
// current state. A view it does not know is left to the job's stored activity.
import type { DeliveryJob } from '../../delivery/delivery-job.ts';
import type { RenderView } from '../../delivery/perform-operation.ts';
import { EMAIL_VIEW } from './email-fallback.ts';
import { renderEmail, type RenderEmailDeps } from './render-email.ts';

export function viewRenderer(deps: { email: RenderEmailDeps }): RenderView {
  return async (job: DeliveryJob) => {
    const view = job.operation.activity.view;
    if (!view) return undefined;
    switch (view.kind) {
      case EMAIL_VIEW:
        return renderEmail(deps.email, job, view);
      default:
        return undefined;
    }
  };
}
