// Tenant administration, as one feature: `contacts` (list; admins add and remove incident
// contacts), `soc` (admins make a channel a SOC channel, or stop) and `highvalue` (the machine
// tags of high-value devices). The customer tenants as the
// service runs them (configuration plus these changes, audited) are the TenantDirectory, which
// buildApp opens first: every other feature reads tenants through it.
import type { Command, Feature } from '../../app/feature.ts';
import { contactsCommand, type ContactsCommandDeps } from './contacts-command.ts';
import { highValueCommand } from './high-value-command.ts';
import { socChannelCommand } from './soc-channel-command.ts';
import type { TenantDirectory } from './tenant-directory.ts';

export { TenantDirectory } from './tenant-directory.ts';
export type { ContactsCommandDeps, MemberLookup } from './contacts-command.ts';

export interface TenantsFeature extends Feature {
  readonly name: 'tenants';
  commands: Command[];
}

export function tenantsFeature(
  deps: ContactsCommandDeps & { directory: TenantDirectory },
): TenantsFeature {
  return {
    name: 'tenants',
    commands: [
      contactsCommand(deps),
      socChannelCommand({ directory: deps.directory }),
      highValueCommand({ directory: deps.directory }),
    ],
  };
}
