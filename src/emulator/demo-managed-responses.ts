// The experts' managed responses for the demo incidents, as their tooling would have published
// them through the Experts API: an investigation summary and the response actions.
import type { ManagedResponse } from '../domain/managed-response.ts';
import type { ManualAction, OneClickAction } from '../domain/response-action.ts';
import { DEMO_DEVICE_IDS, DEMO_FILE_SHA1, DEMO_INCIDENT_IDS, DEMO_TENANT_ID } from './demo-data.ts';

const prodServer = { deviceId: DEMO_DEVICE_IDS.prodServer01, deviceName: 'prod-server-01' };
const hrDesktop = { deviceId: DEMO_DEVICE_IDS.hrDesktop03, deviceName: 'hr-desktop-03' };
const webLinux = { deviceId: DEMO_DEVICE_IDS.webLinux02, deviceName: 'web-linux-02' };

function minutesAgo(now: Date, minutes: number): string {
  return new Date(now.getTime() - minutes * 60_000).toISOString();
}

function oneClick(action: Omit<OneClickAction, 'status' | 'history'>): OneClickAction {
  return { ...action, status: 'pending', history: [] };
}

function manual(action: Omit<ManualAction, 'status' | 'history' | 'kind'>): ManualAction {
  return { ...action, kind: 'manual', status: 'pending', history: [] };
}

export function demoManagedResponses(now: Date = new Date()): ManagedResponse[] {
  const at = minutesAgo(now, 30);
  return [
    {
      tenantId: DEMO_TENANT_ID,
      incidentId: DEMO_INCIDENT_IDS.awaitingCustomer,
      publishedAt: at,
      updatedAt: at,
      summary: {
        headline:
          'Ransomware was staged on prod-server-01 after a phishing attachment ran; isolate the server and quarantine the payload before it encrypts shares.',
        narrative:
          'At 07:42 UTC a user on prod-server-01 opened invoice_viewer.exe, delivered by a phishing email the previous day. The binary disabled Defender tamper protection notifications, created a scheduled task for persistence and contacted update-check[.]net over HTTPS. At 08:05 it enumerated SMB shares and began staging a ransomware payload. No encryption has been observed yet. The service account svc-backup was used interactively from the server at 08:11, which indicates credential theft.',
        severity: 'high',
        potentialImpact:
          'File shares hosted on prod-server-01 and reachable from it could be encrypted; the stolen svc-backup credentials give access to backups.',
        timeline: [
          {
            at: minutesAgo(now, 160),
            device: 'prod-server-01',
            event: 'invoice_viewer.exe started from Outlook temp folder',
          },
          {
            at: minutesAgo(now, 158),
            device: 'prod-server-01',
            event: 'Scheduled task "UpdateCheck" created',
          },
          {
            at: minutesAgo(now, 155),
            device: 'prod-server-01',
            event: 'Outbound HTTPS to update-check[.]net (185.220.101.4)',
          },
          {
            at: minutesAgo(now, 137),
            device: 'prod-server-01',
            event: 'SMB share enumeration (net view, 214 hosts)',
          },
          {
            at: minutesAgo(now, 131),
            device: 'prod-server-01',
            event: 'Interactive logon as svc-backup',
          },
          {
            at: minutesAgo(now, 125),
            device: 'prod-server-01',
            event: 'Ransomware payload written to C:\\ProgramData\\svc\\',
          },
        ],
        indicatorsOfAttack: [
          { type: 'technique', value: 'T1566.001 Spearphishing attachment' },
          { type: 'technique', value: 'T1053.005 Scheduled task' },
          { type: 'technique', value: 'T1021.002 SMB/Windows admin shares' },
        ],
        indicatorsOfCompromise: [
          { type: 'file', value: DEMO_FILE_SHA1, description: 'invoice_viewer.exe (SHA-1)' },
          { type: 'domain', value: 'update-check[.]net', description: 'Command and control' },
          { type: 'ip', value: '185.220.101.4', description: 'Command and control' },
          {
            type: 'account',
            value: 'svc-backup',
            description: 'Used interactively from the server',
          },
        ],
      },
      actions: [
        oneClick({
          id: 'a1',
          kind: 'isolateDevice',
          title: 'Isolate prod-server-01',
          description:
            'Cut prod-server-01 off the network while keeping its connection to Defender for Endpoint, so the payload cannot reach file shares or its command-and-control server.',
          impact: 'Services hosted on prod-server-01 are unavailable until it is released.',
          createdAt: at,
          target: { kind: 'device', ...prodServer },
          isolationType: 'full',
          attempts: 0,
        }),
        oneClick({
          id: 'a2',
          kind: 'quarantineFile',
          title: 'Quarantine invoice_viewer.exe',
          description:
            'Stop running processes of invoice_viewer.exe, quarantine the file and delete its persistence (scheduled task, registry keys).',
          impact: 'None expected: the file is not used by the business.',
          createdAt: at,
          target: {
            kind: 'file',
            sha1: DEMO_FILE_SHA1,
            fileName: 'invoice_viewer.exe',
            ...prodServer,
          },
          attempts: 0,
        }),
        manual({
          id: 'a3',
          title: 'Reset the svc-backup password',
          description:
            'Reset the password of the service account svc-backup, revoke its sessions and update the backup jobs that use it. The account was used interactively from the compromised server.',
          impact: 'Backup jobs fail until they are given the new password.',
          createdAt: at,
        }),
        manual({
          id: 'a4',
          title: 'Block update-check[.]net at the proxy',
          description:
            'Add update-check[.]net and 185.220.101.4 to the web proxy and firewall block lists.',
          createdAt: at,
        }),
      ],
    },
    {
      tenantId: DEMO_TENANT_ID,
      incidentId: DEMO_INCIDENT_IDS.handover,
      publishedAt: at,
      updatedAt: at,
      summary: {
        headline:
          'Stolen credentials of j.doe were used to move from hr-desktop-03 to web-linux-02; isolate both devices and reset the password.',
        narrative:
          'A credential dumping tool ran on hr-desktop-03 under j.doe@contoso.com at 06:58 UTC. Twelve minutes later the same account signed in over SSH to web-linux-02 from hr-desktop-03 and downloaded a reverse shell. Defender blocked the first shell attempt; a second variant ran.',
        severity: 'high',
        potentialImpact:
          'The attacker controls web-linux-02, which is exposed to the internet, and holds a valid domain password.',
        timeline: [
          {
            at: minutesAgo(now, 200),
            device: 'hr-desktop-03',
            event: 'Credential dumping tool executed (j.doe)',
          },
          {
            at: minutesAgo(now, 188),
            device: 'web-linux-02',
            event: 'SSH sign-in as j.doe from hr-desktop-03',
          },
          {
            at: minutesAgo(now, 186),
            device: 'web-linux-02',
            event: 'Reverse shell downloaded with curl',
          },
          {
            at: minutesAgo(now, 185),
            device: 'web-linux-02',
            event: 'Defender blocked the shell; a second variant ran',
          },
        ],
        indicatorsOfAttack: [
          { type: 'technique', value: 'T1003 OS credential dumping' },
          { type: 'technique', value: 'T1021.004 Remote services: SSH' },
        ],
        indicatorsOfCompromise: [
          { type: 'ip', value: '203.0.113.45', description: 'Reverse shell endpoint' },
          { type: 'account', value: 'j.doe@contoso.com', description: 'Compromised credentials' },
        ],
      },
      actions: [
        oneClick({
          id: 'b1',
          kind: 'isolateDevice',
          title: 'Isolate hr-desktop-03',
          description:
            'Selective isolation keeps Outlook and Teams working while the device is cut off from everything else.',
          impact: 'The user can only use Outlook and Teams until release.',
          createdAt: at,
          target: { kind: 'device', ...hrDesktop },
          isolationType: 'selective',
          attempts: 0,
        }),
        oneClick({
          id: 'b2',
          kind: 'isolateDevice',
          title: 'Isolate web-linux-02',
          description: "Full isolation of the web server that runs the attacker's shell.",
          impact: 'The public website served by web-linux-02 goes offline.',
          createdAt: at,
          target: { kind: 'device', ...webLinux },
          isolationType: 'full',
          attempts: 0,
        }),
        manual({
          id: 'b3',
          title: 'Reset the password of j.doe@contoso.com',
          description: 'Reset the password, revoke refresh tokens and require MFA re-registration.',
          createdAt: at,
        }),
      ],
    },
  ];
}
