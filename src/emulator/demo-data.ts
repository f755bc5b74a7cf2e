// Demo customers for the emulator. Contoso has an incident in every state the MDR service meets
// (plus one the "experts" hand over to the customer a little after start), devices with varied
// facts (demo-devices.ts) and a directory with every way a contact can or cannot be reached
// (demo-directory.ts); Fabrikam proves that one tenant's credentials never see another's data,
// and is the tenant whose admin did not grant the Teams installation permission. Ids are fixed
// so that docs, tests and the Agents Playground journeys can name them.
import {
  deviceEvidence,
  demoAlert,
  fileEvidence,
  userEvidence,
  type DemoDevice,
  type DemoFile,
} from './demo-alerts.ts';
import {
  FABRIKAM_DEVICE_ID,
  demoDevices,
  demoMachineActionHistory,
  demoMachines,
} from './demo-devices.ts';
import {
  CONTOSO_GRANTED_ROLES,
  FABRIKAM_GRANTED_ROLES,
  contosoDirectory,
  fabrikamDirectory,
} from './demo-directory.ts';
import type { EmulatorIncidentSeed, EmulatorTenantSeed } from './seed-schema.ts';

export { AUTOMATED_INVESTIGATION, DEMO_DEVICE_IDS, FABRIKAM_DEVICE_ID } from './demo-devices.ts';
export {
  CONTOSO_GRANTED_ROLES,
  DEMO_BOT_APP_ID,
  DEMO_DIRECTORY,
  FABRIKAM_GRANTED_ROLES,
  TEAMS_APP_MANIFEST_ID,
} from './demo-directory.ts';

export const DEMO_TENANT_ID = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
export const DEMO_CLIENT_ID = 'c0a1b2c3-d4e5-4f60-8a71-9b2c3d4e5f60';
export const DEMO_CLIENT_SECRET = 'emulator-demo-secret';
export const DEMO_APP_NAME = 'Managed Response Bot (Contoso)';

export const FABRIKAM_TENANT_ID = '0b7e4d2c-9a81-4c3f-b6d5-7e8f9a0b1c2d';
export const FABRIKAM_CLIENT_ID = 'f4e3d2c1-b0a9-4877-8665-544332211000';
export const FABRIKAM_CLIENT_SECRET = 'emulator-fabrikam-secret';

/** The ransomware payload on prod-server-01 (the Quarantine file action's target). */
export const DEMO_FILE_SHA1 = 'b2f6c1e7a9d04c3f8e1a6b5d7c9e0f2a4b6c8d0e';

export const DEMO_INCIDENT_IDS = {
  /** Active, not yet picked up by the experts. */
  active: '2972401',
  /** In progress, assigned to Defender Experts. */
  expertsInvestigating: '2972402',
  /** Awaiting Customer Action (assigned to Customer): ransomware on prod-server-01. */
  awaitingCustomer: '2972403',
  resolvedTruePositive: '2972404',
  resolvedFalsePositive: '2972405',
  resolvedInformational: '2972406',
  /** Merged into awaitingCustomer. */
  redirected: '2972407',
  /** In progress with the experts; handed over to the customer `demoAwaitingAfterMs` after start. */
  handover: '2972408',
} as const;
export const FABRIKAM_INCIDENT_IDS = {
  active: '3100101',
  expertsInvestigating: '3100102',
} as const;

export const EXPERTS = 'Defender Experts';

/** What the emulator does to the handover incident after `demoAwaitingAfterMs`. */
export const DEMO_HANDOVER = {
  tenantId: DEMO_TENANT_ID,
  incidentId: DEMO_INCIDENT_IDS.handover,
  patch: { status: 'awaitingAction', assignedTo: 'Customer' },
  comment:
    'Defender Experts: We confirmed lateral movement from hr-desktop-03 to web-linux-02 using stolen credentials. ' +
    'Our access is Security Reader, so the response actions are yours: please isolate both devices and reset the ' +
    "password of j.doe@contoso.com. The pending actions are listed in the incident's managed response.",
} as const;

const devices = demoDevices;

const ransomware: DemoFile = {
  sha1: DEMO_FILE_SHA1,
  sha256: '6d4c1a8e2f0b9c7d5e3a1f8b6c4d2e0a9f7b5c3d1e8a6f4b2c0d9e7a5b3c1f8e',
  fileName: 'svcupdate.exe',
  filePath: 'C:\\ProgramData\\Microsoft\\svcupdate',
  fileSize: 482_304,
};

const jdoe = {
  accountName: 'j.doe',
  domainName: 'CONTOSO',
  userPrincipalName: 'j.doe@contoso.com',
  displayName: 'Jane Doe',
  azureAdUserId: '8e2a4c6f-0b1d-4e3a-9c5b-7d9f1a3c5e7b',
};

/** The demo tenants, with times relative to `now` (incidents from the last day). */
export function demoTenants(now: Date = new Date()): EmulatorTenantSeed[] {
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
  const ids = DEMO_INCIDENT_IDS;
  const expertsComment = (comment: string, minutes: number) => ({
    comment,
    createdByDisplayName: EXPERTS,
    createdDateTime: ago(minutes),
  });
  const d = devices;

  const incidents: EmulatorIncidentSeed[] = [
    {
      id: ids.active,
      displayName: 'Suspicious PowerShell download activity on one endpoint',
      severity: 'medium',
      status: 'active',
      createdDateTime: ago(35),
      lastUpdateDateTime: ago(34),
      alerts: [
        demoAlert({
          id: 'da2972401000001_1',
          title: 'Suspicious PowerShell download or encoded command execution',
          description:
            'A PowerShell process downloaded content from a rarely seen domain and ran an encoded command.',
          category: 'Execution',
          severity: 'medium',
          createdDateTime: ago(35),
          mitreTechniques: ['T1059.001', 'T1105'],
          evidence: [deviceEvidence(d.hrDesktop03, ago(35)), userEvidence(jdoe, ago(35))],
        }),
      ],
    },
    {
      id: ids.expertsInvestigating,
      displayName: 'Multi-stage incident involving Execution & Credential access on one endpoint',
      severity: 'high',
      status: 'inProgress',
      assignedTo: EXPERTS,
      systemTags: [EXPERTS],
      createdDateTime: ago(180),
      lastUpdateDateTime: ago(150),
      alerts: [
        demoAlert({
          id: 'da2972402000001_1',
          title: 'Suspicious access to LSASS service',
          description: 'A process accessed lsass.exe memory, a common way to dump credentials.',
          category: 'CredentialAccess',
          severity: 'high',
          createdDateTime: ago(180),
          mitreTechniques: ['T1003.001'],
          evidence: [deviceEvidence(d.financeLaptop07, ago(180))],
        }),
      ],
    },
    {
      id: ids.awaitingCustomer,
      displayName: 'Multi-stage incident involving Initial access & Ransomware on one endpoint',
      description: 'Ransomware activity on prod-server-01 following a phishing-delivered loader.',
      severity: 'high',
      status: 'awaitingAction',
      assignedTo: 'Customer',
      classification: 'truePositive',
      determination: 'multiStagedAttack',
      systemTags: [EXPERTS],
      createdDateTime: ago(420),
      lastUpdateDateTime: ago(60),
      comments: [
        expertsComment(
          'Defender Experts: Ransomware precursor confirmed on prod-server-01. Please isolate the device and quarantine svcupdate.exe; see the managed response for details.',
          60,
        ),
      ],
      alerts: [
        demoAlert({
          id: 'da2972403000001_1',
          title: 'Ransomware behavior detected in the file system',
          description:
            'Many files on prod-server-01 were renamed with an unknown extension by svcupdate.exe.',
          category: 'Ransomware',
          severity: 'high',
          createdDateTime: ago(420),
          mitreTechniques: ['T1486'],
          threatDisplayName: 'Ransom:Win32/Conti',
          evidence: [
            deviceEvidence(d.prodServer01, ago(420)),
            fileEvidence(ransomware, d.prodServer01, ago(420)),
          ],
        }),
        demoAlert({
          id: 'da2972403000002_1',
          title: 'Suspicious file dropped by an Office application',
          description:
            'An Office document wrote an executable to ProgramData shortly after being opened.',
          category: 'InitialAccess',
          severity: 'medium',
          createdDateTime: ago(430),
          mitreTechniques: ['T1566.001'],
          evidence: [deviceEvidence(d.prodServer01, ago(430)), userEvidence(jdoe, ago(430))],
        }),
      ],
    },
    {
      id: ids.resolvedTruePositive,
      displayName: "Malware 'Qakbot' was prevented on one endpoint",
      severity: 'medium',
      status: 'resolved',
      classification: 'truePositive',
      determination: 'malware',
      systemTags: [EXPERTS],
      createdDateTime: ago(1400),
      lastUpdateDateTime: ago(1300),
      comments: [
        expertsComment(
          'Defender Experts: Qakbot loader was blocked and removed; we isolated and released fin-laptop-07 after a clean scan. No further action needed.',
          1300,
        ),
      ],
      alerts: [
        demoAlert({
          id: 'da2972404000001_1',
          title: "'Qakbot' malware was prevented",
          description: 'Microsoft Defender Antivirus prevented a Qakbot loader from running.',
          category: 'Malware',
          severity: 'medium',
          status: 'resolved',
          createdDateTime: ago(1400),
          detectionSource: 'antivirus',
          threatDisplayName: 'TrojanDownloader:Win32/Qakbot',
          evidence: [deviceEvidence(d.financeLaptop07, ago(1400))],
        }),
      ],
    },
    {
      id: ids.resolvedFalsePositive,
      displayName: 'Unusual remote management tool execution on one endpoint',
      severity: 'low',
      status: 'resolved',
      classification: 'falsePositive',
      determination: 'notMalicious',
      systemTags: [EXPERTS],
      createdDateTime: ago(900),
      lastUpdateDateTime: ago(840),
      comments: [
        expertsComment(
          "Defender Experts: The remote management tool was run by Contoso's IT team during the scheduled maintenance window. Closing as false positive.",
          840,
        ),
      ],
      alerts: [
        demoAlert({
          id: 'da2972405000001_1',
          title: 'Suspicious remote management software execution',
          description: 'A remote administration tool was started from a user profile folder.',
          category: 'CommandAndControl',
          severity: 'low',
          status: 'resolved',
          createdDateTime: ago(900),
          evidence: [deviceEvidence(d.hrDesktop03, ago(900), 'noThreatsFound')],
        }),
      ],
    },
    {
      id: ids.resolvedInformational,
      displayName: 'Penetration testing tool detected on one endpoint',
      severity: 'informational',
      status: 'resolved',
      classification: 'informationalExpectedActivity',
      determination: 'securityTesting',
      systemTags: [EXPERTS],
      createdDateTime: ago(720),
      lastUpdateDateTime: ago(700),
      comments: [
        expertsComment(
          'Defender Experts: This matches the penetration test Contoso announced for this week. Resolved as expected activity.',
          700,
        ),
      ],
      alerts: [
        demoAlert({
          id: 'da2972406000001_1',
          title: 'HackTool:Win64/Mimikatz detected',
          description: 'A credential theft tool used by the red team was detected.',
          category: 'CredentialAccess',
          severity: 'informational',
          status: 'resolved',
          createdDateTime: ago(720),
          detectionSource: 'antivirus',
          evidence: [deviceEvidence(d.webLinux02, ago(720), 'noThreatsFound')],
        }),
      ],
    },
    {
      id: ids.redirected,
      displayName: 'Suspicious process injection on one endpoint',
      severity: 'medium',
      status: 'redirected',
      redirectIncidentId: ids.awaitingCustomer,
      createdDateTime: ago(410),
      lastUpdateDateTime: ago(400),
      alerts: [
        demoAlert({
          id: 'da2972407000001_1',
          title: 'Suspicious process injection observed',
          description: 'svcupdate.exe injected code into a system process.',
          category: 'DefenseEvasion',
          severity: 'medium',
          createdDateTime: ago(410),
          mitreTechniques: ['T1055'],
          evidence: [deviceEvidence(d.prodServer01, ago(410))],
        }),
      ],
    },
    {
      id: ids.handover,
      displayName:
        'Multi-stage incident involving Defense evasion & Lateral movement on multiple endpoints',
      severity: 'high',
      status: 'inProgress',
      assignedTo: EXPERTS,
      classification: 'truePositive',
      determination: 'compromisedAccount',
      systemTags: [EXPERTS],
      createdDateTime: ago(95),
      lastUpdateDateTime: ago(20),
      alerts: [
        demoAlert({
          id: 'da2972408000001_1',
          title: 'Possible lateral movement using stolen credentials',
          description:
            'j.doe signed in to web-linux-02 from hr-desktop-03 with credentials dumped minutes earlier.',
          category: 'LateralMovement',
          severity: 'high',
          createdDateTime: ago(95),
          mitreTechniques: ['T1021.004', 'T1078'],
          evidence: [
            deviceEvidence(d.hrDesktop03, ago(95)),
            deviceEvidence(d.webLinux02, ago(95)),
            userEvidence(jdoe, ago(95)),
          ],
        }),
        demoAlert({
          id: 'da2972408000002_1',
          title: 'Attempt to turn off Microsoft Defender Antivirus protection',
          description: 'A script tried to disable real-time protection on hr-desktop-03.',
          category: 'DefenseEvasion',
          severity: 'medium',
          createdDateTime: ago(90),
          mitreTechniques: ['T1562.001'],
          evidence: [deviceEvidence(d.hrDesktop03, ago(90))],
        }),
      ],
    },
  ];

  const fabrikamDevice: DemoDevice = {
    id: FABRIKAM_DEVICE_ID,
    computerDnsName: 'fab-ws-001',
    osPlatform: 'Windows11',
    osBuild: 22631,
    version: '23H2',
    lastIpAddress: '192.168.10.21',
    aadDeviceId: '2b4d6f80-1a3c-4e5f-9d7b-c0e2a4f6b8d1',
  };

  return [
    {
      tenantId: DEMO_TENANT_ID,
      name: 'Contoso',
      apps: [
        { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, displayName: DEMO_APP_NAME },
      ],
      grantedRoles: CONTOSO_GRANTED_ROLES,
      incidents,
      devices: demoMachines(now),
      machineActions: demoMachineActionHistory(now),
      ...contosoDirectory(),
    },
    {
      tenantId: FABRIKAM_TENANT_ID,
      name: 'Fabrikam',
      apps: [
        {
          clientId: FABRIKAM_CLIENT_ID,
          clientSecret: FABRIKAM_CLIENT_SECRET,
          displayName: 'Managed Response Bot (Fabrikam)',
        },
      ],
      incidents: [
        {
          id: FABRIKAM_INCIDENT_IDS.active,
          displayName: 'Phishing email with malicious attachment delivered to one mailbox',
          severity: 'medium',
          status: 'active',
          createdDateTime: ago(50),
          lastUpdateDateTime: ago(45),
          alerts: [
            demoAlert({
              id: 'da3100101000001_1',
              title: 'Email messages containing malicious file removed after delivery',
              description: 'Zero-hour auto purge removed a message with a malicious attachment.',
              category: 'InitialAccess',
              severity: 'medium',
              createdDateTime: ago(50),
              serviceSource: 'microsoftDefenderForOffice365',
              detectionSource: 'microsoftDefenderForOffice365',
              evidence: [],
            }),
          ],
        },
        {
          id: FABRIKAM_INCIDENT_IDS.expertsInvestigating,
          displayName: 'Suspicious scheduled task created on one endpoint',
          severity: 'low',
          status: 'inProgress',
          assignedTo: EXPERTS,
          systemTags: [EXPERTS],
          createdDateTime: ago(240),
          lastUpdateDateTime: ago(200),
          alerts: [
            demoAlert({
              id: 'da3100102000001_1',
              title: 'Suspicious Task Scheduler activity',
              description: 'A scheduled task runs a script from a temporary folder at every logon.',
              category: 'Persistence',
              severity: 'low',
              createdDateTime: ago(240),
              mitreTechniques: ['T1053.005'],
              evidence: [deviceEvidence(fabrikamDevice, ago(240))],
            }),
          ],
        },
      ],
      devices: [
        {
          id: fabrikamDevice.id,
          computerDnsName: fabrikamDevice.computerDnsName,
          firstSeen: '2024-09-02T08:30:00Z',
          lastSeen: ago(14),
          osPlatform: fabrikamDevice.osPlatform,
          osVersion: null,
          osProcessor: 'x64',
          version: fabrikamDevice.version,
          osBuild: fabrikamDevice.osBuild,
          lastIpAddress: fabrikamDevice.lastIpAddress,
          lastExternalIpAddress: '198.51.100.20',
          agentVersion: '10.8760.22621.1016',
          healthStatus: 'Active',
          deviceValue: 'Normal',
          rbacGroupId: 22,
          rbacGroupName: 'Workstations',
          riskScore: 'Low',
          exposureLevel: 'Low',
          isAadJoined: true,
          aadDeviceId: fabrikamDevice.aadDeviceId,
          machineTags: [],
          defenderAvStatus: 'Updated',
          onboardingStatus: 'Onboarded',
        },
      ],
      grantedRoles: FABRIKAM_GRANTED_ROLES,
      ...fabrikamDirectory(),
    },
  ];
}
