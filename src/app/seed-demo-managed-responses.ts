// With the embedded emulator, the demo incidents come with the experts' managed responses.
import { demoManagedResponses } from '../emulator/demo-managed-responses.ts';
import { StoreConflictError } from '../store/store.ts';
import type { ManagedResponseRepository } from '../shared/managed-response-repository.ts';

export async function seedDemoManagedResponses(
  responses: ManagedResponseRepository,
  now: Date,
): Promise<void> {
  for (const response of demoManagedResponses(now)) {
    if (await responses.get(response.tenantId, response.incidentId)) continue;
    await responses.put(response, 0).catch((err: unknown) => {
      if (!(err instanceof StoreConflictError)) throw err;
    });
  }
}
