// Builders for Graph security alerts (alerts_v2 shape) and their evidence, so the demo data reads
// like what Defender XDR returns with `$expand=alerts` without hundreds of lines of JSON.

export interface DemoDevice {
  id: string;
  computerDnsName: string;
  osPlatform: string;
  osBuild: number;
  version: string;
  lastIpAddress: string;
  aadDeviceId: string;
}

export interface DemoFile {
  sha1: string;
  sha256: string;
  fileName: string;
  filePath: string;
  fileSize: number;
}

export interface DemoUser {
  accountName: string;
  domainName: string;
  userPrincipalName: string;
  displayName: string;
  azureAdUserId: string;
}

const evidenceBase = (at: string, verdict: string, remediationStatus: string) => ({
  createdDateTime: at,
  verdict,
  remediationStatus,
  remediationStatusDetails: null,
  roles: [],
  tags: [],
});

export function deviceEvidence(device: DemoDevice, at: string, verdict = 'suspicious') {
  return {
    '@odata.type': '#microsoft.graph.security.deviceEvidence',
    ...evidenceBase(at, verdict, 'none'),
    firstSeenDateTime: '2024-03-04T09:12:44Z',
    mdeDeviceId: device.id,
    azureAdDeviceId: device.aadDeviceId,
    deviceDnsName: device.computerDnsName,
    hostName: device.computerDnsName.split('.')[0],
    osPlatform: device.osPlatform,
    osBuild: device.osBuild,
    version: device.version,
    healthStatus: 'active',
    riskScore: 'high',
    rbacGroupId: 0,
    rbacGroupName: null,
    onboardingStatus: 'onboarded',
    defenderAvStatus: 'updated',
    ipInterfaces: [device.lastIpAddress],
    loggedOnUsers: [],
    vmMetadata: null,
  };
}

export function fileEvidence(
  file: DemoFile,
  device: DemoDevice,
  at: string,
  detectionStatus = 'detected',
) {
  return {
    '@odata.type': '#microsoft.graph.security.fileEvidence',
    ...evidenceBase(at, 'malicious', detectionStatus === 'prevented' ? 'prevented' : 'none'),
    detectionStatus,
    mdeDeviceId: device.id,
    fileDetails: {
      sha1: file.sha1,
      sha256: file.sha256,
      fileName: file.fileName,
      filePath: file.filePath,
      fileSize: file.fileSize,
      filePublisher: null,
      signer: null,
      issuer: null,
    },
  };
}

export function userEvidence(user: DemoUser, at: string) {
  return {
    '@odata.type': '#microsoft.graph.security.userEvidence',
    ...evidenceBase(at, 'suspicious', 'none'),
    userAccount: {
      accountName: user.accountName,
      domainName: user.domainName,
      userSid: null,
      azureAdUserId: user.azureAdUserId,
      userPrincipalName: user.userPrincipalName,
      displayName: user.displayName,
    },
  };
}

export interface DemoAlertInput {
  id: string;
  title: string;
  description: string;
  category: string;
  severity: 'informational' | 'low' | 'medium' | 'high';
  status?: 'new' | 'inProgress' | 'resolved';
  createdDateTime: string;
  serviceSource?: string;
  detectionSource?: string;
  mitreTechniques?: string[];
  threatDisplayName?: string | null;
  recommendedActions?: string;
  evidence: object[];
}

export function demoAlert(input: DemoAlertInput) {
  return {
    id: input.id,
    providerAlertId: input.id.replace(/^da/, ''),
    status: input.status ?? 'new',
    severity: input.severity,
    classification: null,
    determination: null,
    serviceSource: input.serviceSource ?? 'microsoftDefenderForEndpoint',
    detectionSource: input.detectionSource ?? 'microsoftDefenderForEndpoint',
    detectorId: '7f1c3c5e-2a8b-4f0e-9d61-3b7a9c2e5d14',
    title: input.title,
    description: input.description,
    recommendedActions: input.recommendedActions ?? '',
    category: input.category,
    assignedTo: null,
    actorDisplayName: null,
    threatDisplayName: input.threatDisplayName ?? null,
    threatFamilyName: null,
    mitreTechniques: input.mitreTechniques ?? [],
    createdDateTime: input.createdDateTime,
    lastUpdateDateTime: input.createdDateTime,
    resolvedDateTime: null,
    firstActivityDateTime: input.createdDateTime,
    lastActivityDateTime: input.createdDateTime,
    comments: [],
    evidence: input.evidence,
  };
}
