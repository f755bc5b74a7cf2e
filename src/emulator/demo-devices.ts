// Contoso's Defender for Endpoint devices: the ones the demo incidents name (prod-server-01,
// fin-laptop-07, hr-desktop-03, web-linux-02) and the cases a response-action card must handle:
// a domain controller tagged HighValue, a device not seen for 12 days, a device that automated
// investigation isolated hours before start, a Windows 10 1607 device too old for selective
// isolation and app restriction, a device found by discovery but not onboarded, and ordinary
// Windows 11 workstations. Shapes follow the "Machine resource type" page (machine.md); times are
// relative to the emulator's start.
import type { DemoDevice } from './demo-alerts.ts';
import type { EmulatorDeviceSeed, EmulatorMachineActionSeed } from './seed-schema.ts';

export const DEMO_DEVICE_IDS = {
  /** WindowsServer2022 file server; the ransomware incident's target. */
  prodServer01: '1e5bc9d7e413ddd7902c2932e418702b84d0cc07',
  /** Windows 11 laptop; isolated and released by the experts yesterday (Qakbot). */
  financeLaptop07: '7b1f4c2ad1c2a8e0b5f3e6d9c8b7a6f5e4d3c2b1',
  /** Windows 10 22H2 desktop. */
  hrDesktop03: '4a9e2f7c1b3d5e8f0a2c4e6b8d0f1a3c5e7b9d2f',
  /** Linux (Ubuntu 22.04) web server: full isolation only. */
  webLinux02: 'c8d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9',
  /** WindowsServer2019 domain controller, tags HighValue + Domain Controller, deviceValue High. */
  domainController01: '54c8c0d13261e9fdb7ca975ca81e68ac180e0c57',
  /** Windows 11 laptop isolated (Full) by automated investigation five hours before start. */
  salesLaptop12: '41e3c3e66ab963fe30177845489838a987c6cc02',
  /** Windows 10 22H2 laptop last seen 12 days ago (healthStatus Inactive). */
  marketingLaptop22: '0338f164a641cf35a756fa9606ec9e100a0d0c49',
  /** Windows 11 24H2 workstation. */
  opsWorkstation31: '129fe775a0cc21072c954fae02e33967ff2c6022',
  /** Windows 10 1607 (build 14393) operator panel: no selective isolation, no app restriction. */
  labHmi01: '27712e58410143166a04e8ef8086d30a030a29a1',
  /** Meeting-room PC found by device discovery, onboardingStatus CanBeOnboarded. */
  meetingRoomPc04: '96b507878eefa043921917f473b28c62484313b7',
} as const;

export const FABRIKAM_DEVICE_ID = '9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6';

/** The requestor MDE shows for actions that automated investigation took (emulator's wording). */
export const AUTOMATED_INVESTIGATION = 'Automated investigation';

export const demoDevices: Record<keyof typeof DEMO_DEVICE_IDS, DemoDevice> = {
  prodServer01: {
    id: DEMO_DEVICE_IDS.prodServer01,
    computerDnsName: 'prod-server-01',
    osPlatform: 'WindowsServer2022',
    osBuild: 20348,
    version: '21H2',
    lastIpAddress: '10.20.1.15',
    aadDeviceId: '0f2b6e0c-3c1a-4a57-9d0e-1c5b8a2e7f41',
  },
  financeLaptop07: {
    id: DEMO_DEVICE_IDS.financeLaptop07,
    computerDnsName: 'fin-laptop-07',
    osPlatform: 'Windows11',
    osBuild: 22631,
    version: '23H2',
    lastIpAddress: '10.30.4.77',
    aadDeviceId: '5d9a1c3e-7b2f-4e60-8a14-9c3b5d7e1f20',
  },
  hrDesktop03: {
    id: DEMO_DEVICE_IDS.hrDesktop03,
    computerDnsName: 'hr-desktop-03',
    osPlatform: 'Windows10',
    osBuild: 19045,
    version: '22H2',
    lastIpAddress: '10.30.2.41',
    aadDeviceId: 'a3c5e7f9-1b2d-4f6a-8c0e-2d4f6a8c0e1b',
  },
  webLinux02: {
    id: DEMO_DEVICE_IDS.webLinux02,
    computerDnsName: 'web-linux-02',
    osPlatform: 'Linux',
    osBuild: 0,
    version: 'Ubuntu 22.04',
    lastIpAddress: '10.20.3.9',
    aadDeviceId: 'e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7',
  },
  domainController01: {
    id: DEMO_DEVICE_IDS.domainController01,
    computerDnsName: 'contoso-dc-01',
    osPlatform: 'WindowsServer2019',
    osBuild: 17763,
    version: '1809',
    lastIpAddress: '10.20.0.10',
    aadDeviceId: '06453149-ed8c-4609-9a2b-66b9612fc796',
  },
  salesLaptop12: {
    id: DEMO_DEVICE_IDS.salesLaptop12,
    computerDnsName: 'sales-laptop-12',
    osPlatform: 'Windows11',
    osBuild: 22631,
    version: '23H2',
    lastIpAddress: '10.30.6.112',
    aadDeviceId: '1ddb8cd9-29c9-47f9-bb7d-3fd14586327d',
  },
  marketingLaptop22: {
    id: DEMO_DEVICE_IDS.marketingLaptop22,
    computerDnsName: 'mkt-laptop-22',
    osPlatform: 'Windows10',
    osBuild: 19045,
    version: '22H2',
    lastIpAddress: '192.168.1.34',
    aadDeviceId: '74b0a025-6be3-4dd0-91de-1b3e2a54c519',
  },
  opsWorkstation31: {
    id: DEMO_DEVICE_IDS.opsWorkstation31,
    computerDnsName: 'ops-ws-31',
    osPlatform: 'Windows11',
    osBuild: 26100,
    version: '24H2',
    lastIpAddress: '10.30.8.31',
    aadDeviceId: 'ccca8f7b-b0f3-473e-a6f1-ff8e5829ca90',
  },
  labHmi01: {
    id: DEMO_DEVICE_IDS.labHmi01,
    computerDnsName: 'lab-hmi-01',
    osPlatform: 'Windows10',
    osBuild: 14393,
    version: '1607',
    lastIpAddress: '10.40.1.21',
    aadDeviceId: 'bf6c7e49-ce6a-4a14-b1e1-7d08e5685b8e',
  },
  meetingRoomPc04: {
    id: DEMO_DEVICE_IDS.meetingRoomPc04,
    computerDnsName: 'meetingroom-pc-04',
    osPlatform: 'Windows10',
    osBuild: 19044,
    version: '21H2',
    lastIpAddress: '10.30.9.4',
    aadDeviceId: 'b837087a-e947-44ab-b73e-ab43d24e0be5',
  },
};

interface MachineFacts {
  lastSeenMinutesAgo: number;
  firstSeen: string;
  healthStatus?: string;
  onboardingStatus?: string;
  deviceValue?: 'Normal' | 'Low' | 'High';
  riskScore: 'None' | 'Informational' | 'Low' | 'Medium' | 'High';
  exposureLevel: 'None' | 'Low' | 'Medium' | 'High';
  machineTags?: string[];
  rbacGroup: { id: number; name: string };
  isAadJoined?: boolean;
  lastExternalIpAddress?: string;
  agentVersion?: string | null;
  defenderAvStatus?: string;
}

const facts: Record<keyof typeof DEMO_DEVICE_IDS, MachineFacts> = {
  prodServer01: {
    lastSeenMinutesAgo: 6,
    firstSeen: '2023-11-14T10:02:11Z',
    riskScore: 'High',
    exposureLevel: 'Medium',
    machineTags: ['Production', 'File server'],
    rbacGroup: { id: 412, name: 'Servers' },
    isAadJoined: false,
    lastExternalIpAddress: '203.0.113.10',
    agentVersion: '10.8760.20348.2113',
  },
  financeLaptop07: {
    lastSeenMinutesAgo: 18,
    firstSeen: '2024-03-04T09:12:44Z',
    riskScore: 'Medium',
    exposureLevel: 'Low',
    machineTags: ['Finance'],
    rbacGroup: { id: 415, name: 'Workstations' },
  },
  hrDesktop03: {
    lastSeenMinutesAgo: 25,
    firstSeen: '2022-09-19T07:45:02Z',
    riskScore: 'High',
    exposureLevel: 'Medium',
    rbacGroup: { id: 415, name: 'Workstations' },
  },
  webLinux02: {
    lastSeenMinutesAgo: 12,
    firstSeen: '2024-01-22T15:30:00Z',
    riskScore: 'High',
    exposureLevel: 'High',
    machineTags: ['DMZ', 'Web'],
    rbacGroup: { id: 412, name: 'Servers' },
    isAadJoined: false,
    lastExternalIpAddress: '203.0.113.80',
    agentVersion: '101.24082.0004',
    defenderAvStatus: 'Updated',
  },
  domainController01: {
    lastSeenMinutesAgo: 3,
    firstSeen: '2021-05-10T08:00:00Z',
    deviceValue: 'High',
    riskScore: 'Low',
    exposureLevel: 'Medium',
    machineTags: ['HighValue', 'Domain Controller', 'Tier 0'],
    rbacGroup: { id: 410, name: 'Tier 0 servers' },
    isAadJoined: false,
    lastExternalIpAddress: '203.0.113.10',
    agentVersion: '10.8760.17763.6054',
  },
  salesLaptop12: {
    lastSeenMinutesAgo: 40,
    firstSeen: '2024-06-03T11:20:00Z',
    riskScore: 'High',
    exposureLevel: 'Medium',
    machineTags: ['Sales'],
    rbacGroup: { id: 415, name: 'Workstations' },
  },
  marketingLaptop22: {
    lastSeenMinutesAgo: 12 * 24 * 60 + 95,
    firstSeen: '2023-02-27T13:05:40Z',
    healthStatus: 'Inactive',
    riskScore: 'Medium',
    exposureLevel: 'Medium',
    machineTags: ['Marketing'],
    rbacGroup: { id: 415, name: 'Workstations' },
    lastExternalIpAddress: '198.51.100.77',
    defenderAvStatus: 'NotUpdated',
  },
  opsWorkstation31: {
    lastSeenMinutesAgo: 9,
    firstSeen: '2025-01-08T09:00:00Z',
    riskScore: 'None',
    exposureLevel: 'Low',
    rbacGroup: { id: 415, name: 'Workstations' },
  },
  labHmi01: {
    lastSeenMinutesAgo: 55,
    firstSeen: '2020-10-01T06:30:00Z',
    riskScore: 'Low',
    exposureLevel: 'High',
    machineTags: ['OT', 'Legacy'],
    rbacGroup: { id: 418, name: 'Operational technology' },
    isAadJoined: false,
    agentVersion: '10.8048.14393.5125',
  },
  meetingRoomPc04: {
    lastSeenMinutesAgo: 130,
    firstSeen: '2025-02-11T10:15:00Z',
    healthStatus: 'Inactive',
    onboardingStatus: 'CanBeOnboarded',
    riskScore: 'None',
    exposureLevel: 'None',
    rbacGroup: { id: 0, name: 'UnassignedGroup' },
    isAadJoined: false,
    agentVersion: null,
    defenderAvStatus: 'Unknown',
  },
};

function machine(
  device: DemoDevice,
  f: MachineFacts,
  ago: (minutes: number) => string,
): EmulatorDeviceSeed {
  return {
    id: device.id,
    computerDnsName: device.computerDnsName,
    firstSeen: f.firstSeen,
    lastSeen: ago(f.lastSeenMinutesAgo),
    osPlatform: device.osPlatform,
    osVersion: null,
    osProcessor: 'x64',
    version: device.version,
    osBuild: device.osBuild === 0 ? null : device.osBuild,
    lastIpAddress: device.lastIpAddress,
    lastExternalIpAddress: f.lastExternalIpAddress ?? '203.0.113.24',
    agentVersion: f.agentVersion === undefined ? '10.8760.22621.1016' : f.agentVersion,
    healthStatus: f.healthStatus ?? 'Active',
    deviceValue: f.deviceValue ?? 'Normal',
    rbacGroupId: f.rbacGroup.id,
    rbacGroupName: f.rbacGroup.name,
    riskScore: f.riskScore,
    exposureLevel: f.exposureLevel,
    isAadJoined: f.isAadJoined ?? true,
    aadDeviceId: f.isAadJoined === false ? null : device.aadDeviceId,
    machineTags: f.machineTags ?? [],
    defenderAvStatus: f.defenderAvStatus ?? 'Updated',
    onboardingStatus: f.onboardingStatus ?? 'Onboarded',
    osArchitecture: '64-bit',
    ipAddresses: [
      {
        ipAddress: device.lastIpAddress,
        macAddress: null,
        type: 'Ethernet',
        operationalStatus: 'Up',
      },
    ],
  };
}

/** Contoso's machines, with times relative to `now`. */
export function demoMachines(now: Date): EmulatorDeviceSeed[] {
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
  return (Object.keys(demoDevices) as (keyof typeof DEMO_DEVICE_IDS)[]).map((key) =>
    machine(demoDevices[key], facts[key], ago),
  );
}

/** Machine actions taken before start: automated investigation and the experts. */
export function demoMachineActionHistory(now: Date): EmulatorMachineActionSeed[] {
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
  return [
    {
      id: 'aa2dd0d4-95b3-4352-b512-7e349a3ec656',
      machineId: DEMO_DEVICE_IDS.salesLaptop12,
      type: 'Isolate',
      scope: 'Full',
      status: 'Succeeded',
      requestor: AUTOMATED_INVESTIGATION,
      requestorComment:
        'Isolated by automated investigation 2391: Trojan:Win32/Emotet persisted on sales-laptop-12 and contacted a known command-and-control server.',
      requestSource: 'AutomatedInvestigation',
      creationDateTimeUtc: ago(5 * 60),
      lastUpdateDateTimeUtc: ago(5 * 60 - 2),
    },
    {
      id: 'ed271477-d867-4aac-8d7d-2dd7c12634d4',
      machineId: DEMO_DEVICE_IDS.financeLaptop07,
      type: 'Isolate',
      scope: 'Full',
      status: 'Succeeded',
      requestor: 'Microsoft Defender Experts',
      requestorComment: 'Qakbot loader on fin-laptop-07: isolate until a full scan is clean.',
      creationDateTimeUtc: ago(1390),
      lastUpdateDateTimeUtc: ago(1388),
    },
    {
      id: '0d1f4e8a-7c2b-4a9d-8e3f-5b6a7c8d9e01',
      machineId: DEMO_DEVICE_IDS.financeLaptop07,
      type: 'Unisolate',
      scope: null,
      status: 'Succeeded',
      requestor: 'Microsoft Defender Experts',
      requestorComment: 'Full scan clean; releasing fin-laptop-07.',
      creationDateTimeUtc: ago(1310),
      lastUpdateDateTimeUtc: ago(1309),
    },
  ];
}
