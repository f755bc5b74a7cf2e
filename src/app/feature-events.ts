// The app's events, handed to every feature that has a hook for them, in the features' order:
// an incident changed (the outbox, after notifications were planned), the app was installed
// somewhere (the bot), a delivery target is unreachable (the delivery engine). The platform
// pieces are built before the features, so the list is set once the features exist.
import type { Logger } from '../platform/logger.ts';
import type { Feature } from './feature.ts';

type EventHook = 'onIncidentEvent' | 'onInstalled' | 'onUnreachable';

export interface FeatureEvents {
  dispatch<K extends EventHook>(
    hook: K,
    ...args: Parameters<NonNullable<Feature[K]>>
  ): Promise<void>;
  setFeatures(features: readonly Feature[]): void;
}

export function featureEvents(logger: Logger): FeatureEvents {
  let features: readonly Feature[] = [];
  return {
    setFeatures(list) {
      features = list;
    },
    async dispatch(hook, ...args) {
      for (const feature of features) {
        const handler = feature[hook] as ((...a: typeof args) => Promise<void>) | undefined;
        if (!handler) continue;
        // One feature's failure must not keep the event from the others.
        await handler.apply(feature, args).catch((err: unknown) => {
          logger.warn({ err, feature: feature.name, hook }, 'feature hook failed');
        });
      }
    },
  };
}
