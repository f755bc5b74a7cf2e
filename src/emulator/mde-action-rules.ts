// Which device can take which response action, and the error Defender for Endpoint answers when
// it cannot. Platform rules from the action pages: "Isolate machine API" (Full isolation: Windows
// 10 1703+, Windows 11, Linux; Selective: Windows 10 1709+, Windows 11; UnManagedDevice "targets
// unmanaged devices only"), "Restrict app execution API" (Windows 10 1709+), "Stop and quarantine
// file API" (Windows 10 1703+). Errors from "Common Microsoft Defender for Endpoint API errors"
// (common-errors): OsPlatformNotSupported "OS Platform {the client OS Platform} isn't supported for
// this action." and ClientVersionNotSupported "{The requested action} is supported on client
// version {supported client version} and above.", both 400.
//
// Where the docs are silent the emulator decides, and says so:
// - Windows Server devices may be isolated (both kinds) and restricted: the API pages name only
//   client Windows, the portal offers the actions on onboarded servers, and refusing them would
//   be an invention;
// - a device that is not onboarded (onboardingStatus CanBeOnboarded, Unsupported,
//   InsufficientInfo: found by device discovery) can only be contained (IsolationType
//   UnManagedDevice) or released; any other action is a 400 BadRequest naming the reason, and
//   UnManagedDevice on an onboarded device is a 400 InvalidInput. MDE documents neither answer.
import { HttpError } from './http-kit.ts';
import type { DeviceRecord } from './emulator-state.ts';
import type { MachineActionType } from './machine-actions.ts';

/** Windows 10 releases by build: 1703 = 15063, 1709 = 16299. */
const WINDOWS10_1703 = 15063;
const WINDOWS10_1709 = 16299;
const releaseOfBuild: Record<number, string> = {
  [WINDOWS10_1703]: '1703',
  [WINDOWS10_1709]: '1709',
};

const isWindows = (d: DeviceRecord) => /^windows/i.test(d.osPlatform);
const isWindows10 = (d: DeviceRecord) => /^windows10$/i.test(d.osPlatform);
const isLinux = (d: DeviceRecord) => /^linux$/i.test(d.osPlatform);
export const isOnboarded = (d: DeviceRecord) => d.onboardingStatus.toLowerCase() === 'onboarded';

/** The Windows 10 build of a device (osBuild, else a numeric `version` like "1607"), if known. */
function windows10Build(device: DeviceRecord): number | undefined {
  if (typeof device.osBuild === 'number' && device.osBuild > 0) return device.osBuild;
  const numeric = /^(\d{4})$/.exec(device.version ?? '')?.[1];
  const byRelease: Record<string, number> = { '1507': 10240, '1511': 10586, '1607': 14393 };
  if (numeric === undefined) return undefined;
  return byRelease[numeric] ?? (Number(numeric) >= 1709 ? WINDOWS10_1709 : WINDOWS10_1703);
}

const platformNotSupported = (device: DeviceRecord) =>
  new HttpError(
    400,
    'OsPlatformNotSupported',
    `OS Platform ${device.osPlatform} isn't supported for this action.`,
  );

/** Refuses Windows 10 devices older than `minBuild` with ClientVersionNotSupported. */
function requireWindows10Build(device: DeviceRecord, minBuild: number, action: string): void {
  if (!isWindows10(device)) return;
  const build = windows10Build(device);
  if (build !== undefined && build < minBuild) {
    throw new HttpError(
      400,
      'ClientVersionNotSupported',
      `${action} is supported on client version ${releaseOfBuild[minBuild]} and above.`,
    );
  }
}

export type IsolationScope = 'Full' | 'Selective' | 'UnManagedDevice';

/** Throws the error MDE answers when `device` cannot take the action; returns quietly if it can. */
export function checkActionSupported(
  device: DeviceRecord,
  type: MachineActionType,
  isolation?: IsolationScope,
): void {
  if (!isOnboarded(device)) {
    if ((type === 'Isolate' && isolation === 'UnManagedDevice') || type === 'Unisolate') return;
    throw new HttpError(
      400,
      'BadRequest',
      `Machine ${device.computerDnsName} is not onboarded to Microsoft Defender for Endpoint (onboardingStatus ${device.onboardingStatus}); it can only be contained (IsolationType UnManagedDevice).`,
    );
  }
  switch (type) {
    case 'Isolate':
      if (isolation === 'UnManagedDevice') {
        throw new HttpError(
          400,
          'InvalidInput',
          `Invalid input IsolationType 'UnManagedDevice': machine ${device.computerDnsName} is onboarded; use Full or Selective.`,
        );
      }
      if (isolation === 'Selective') {
        if (!isWindows(device)) throw platformNotSupported(device);
        requireWindows10Build(device, WINDOWS10_1709, 'Selective isolation');
        return;
      }
      if (!isWindows(device) && !isLinux(device)) throw platformNotSupported(device);
      requireWindows10Build(device, WINDOWS10_1703, 'Full isolation');
      return;
    case 'Unisolate':
      if (!isWindows(device) && !isLinux(device)) throw platformNotSupported(device);
      return;
    case 'RestrictCodeExecution':
    case 'UnrestrictCodeExecution':
      if (!isWindows(device)) throw platformNotSupported(device);
      requireWindows10Build(device, WINDOWS10_1709, 'Restrict app execution');
      return;
    case 'StopAndQuarantineFile':
      if (!isWindows(device)) throw platformNotSupported(device);
      requireWindows10Build(device, WINDOWS10_1703, 'Stop and quarantine file');
      return;
  }
}
