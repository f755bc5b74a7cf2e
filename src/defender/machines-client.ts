// Defender for Endpoint devices for one customer tenant: `GET /api/machines/{id}` ("Get machine
// by ID API", Machine.Read.All), mapped to the domain's DeviceFacts. Defender's names stop here.
import { z } from 'zod';
import type { DeviceFacts } from '../domain/device-facts.ts';
import type { DefenderHttpClient } from './defender-http-client.ts';

const text = z.string().nullish();

const machineSchema = z.looseObject({
  id: z.string().min(1),
  computerDnsName: text,
  osPlatform: text,
  version: text,
  osBuild: z.number().nullish(),
  lastSeen: text,
  healthStatus: text,
  riskScore: text,
  exposureLevel: text,
  machineTags: z.array(z.string()).nullish(),
  onboardingStatus: text,
});

export class MachinesClient {
  constructor(
    private readonly http: DefenderHttpClient,
    readonly tenantId: string,
  ) {}

  async getMachine(deviceId: string): Promise<DeviceFacts> {
    const raw = await this.http.send({
      method: 'GET',
      path: `/api/machines/${encodeURIComponent(deviceId)}`,
      schema: machineSchema,
      permission: 'Machine.Read.All',
      notFound: { entity: 'device', id: deviceId },
    });
    const facts: DeviceFacts = {
      id: raw.id,
      name: raw.computerDnsName ?? raw.id,
      tags: [...(raw.machineTags ?? [])],
    };
    if (raw.osPlatform) facts.osPlatform = raw.osPlatform;
    if (raw.version) facts.osVersion = raw.version;
    if (typeof raw.osBuild === 'number') facts.osBuild = raw.osBuild;
    if (raw.lastSeen) facts.lastSeen = raw.lastSeen;
    if (raw.healthStatus) facts.healthStatus = raw.healthStatus;
    if (raw.riskScore) facts.riskScore = raw.riskScore;
    if (raw.exposureLevel) facts.exposureLevel = raw.exposureLevel;
    if (raw.onboardingStatus) facts.onboardingStatus = raw.onboardingStatus;
    return facts;
  }
}
