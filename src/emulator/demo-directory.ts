// The demo tenants' directories, Teams app catalogs and granted application roles: who has our
// app, who has never opened it (reachable by proactive install), who can only be emailed (the
// tenant's app permission policy blocks the app for them; another has no Teams license), the
// mailbox the service sends from, and which permissions each tenant's admin consented to
// (Fabrikam's admin did not grant TeamsAppInstallation.ReadWriteSelfForUser.All). Names and ids
// of Contoso's people match scripts/playground/customer.yml.
import type { EmulatorTeamsAppSeed, EmulatorUserSeed } from './seed-schema.ts';

/** The manifest id of our Teams app (manifest/manifest.template.json `id`). */
export const TEAMS_APP_MANIFEST_ID = 'b53c8422-0319-42b0-a694-32e993acfe85';
/** The demo bot's Entra app id (the Agents Playground's `bot.id` without `28:`). */
export const DEMO_BOT_APP_ID = '5f3a1b2c-8d4e-4f6a-9b7c-1d2e3f4a5b6c';

/** Ids for tests and for the integrator's tenants file, all in one place. */
export const DEMO_DIRECTORY = {
  contoso: {
    /** Our app in Contoso's org catalog: its generated catalog id differs from the manifest id. */
    teamsApp: {
      catalogId: 'e7c3a5d1-2b4f-4c6e-8a0b-1d3f5a7c9e2b',
      manifestId: TEAMS_APP_MANIFEST_ID,
    },
    /** The shared mailbox the service sends notifications from (Mail.Send is granted). */
    serviceMailbox: {
      userId: '3f6e2a1b-9c8d-4e7f-a0b1-c2d3e4f5a6b7',
      mail: 'security-notifications@contoso.example',
    },
    /**
     * Have our app installed. Alex's and Megan's 1:1 chats are the Agents Playground's personal
     * chats (scripts/playground/customer.yml, customer-reader.yml), so Graph names a conversation
     * the Playground knows.
     */
    playgroundChats: {
      alexWilber: 'a:contoso-alex-personal',
      meganBowen: 'a:contoso-megan-personal',
    },
    installed: {
      alexWilber: '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c',
      meganBowen: '5c9a1d2f-7b3e-4f4a-9cad-1e2f3a4b5c6d',
      adeleVance: '6dab2e3a-8c4f-4a5b-adbe-2f3a4b5c6d7e',
    },
    /** New incident contacts for the tenants file. */
    contacts: {
      /** Never opened the app; catalog has it and the roles are granted: proactive install works. */
      neverOpenedApp: {
        userId: '7ebc3f4b-9d5a-4b6c-becf-3a4b5c6d7e8f',
        name: 'Isaiah Langer',
        mail: 'isaiahl@contoso.example',
      },
      /** The app permission policy blocks our app for her: reachable only by email. */
      emailOnly: {
        userId: '8fcd4a5c-ae6b-4c7d-8fd0-4b5c6d7e8f90',
        name: 'Patti Fernandez',
        mail: 'pattif@contoso.example',
      },
    },
    /** No Teams license: installing answers 403 (license); has a mailbox. Not a contact. */
    noTeamsLicense: { userId: '90de5b6d-bf7c-4d8e-90e1-5c6d7e8f9001', name: 'Lynne Robbins' },
    /** Microsoft's OneNote, a store app some users have (its catalog id is its manifest id). */
    storeApp: { catalogId: '0d820ecd-def2-4297-adad-78056cde7c78', name: 'OneNote' },
  },
  fabrikam: {
    teamsApp: {
      catalogId: 'c41d7e2a-5b9f-4a30-8e6d-2f1b0a9c8d7e',
      manifestId: TEAMS_APP_MANIFEST_ID,
    },
    serviceMailbox: {
      userId: 'd2e3f4a5-b6c7-4d8e-9f01-a2b3c4d5e6f7',
      mail: 'soc-notify@fabrikam.example',
    },
    /** A contact who never opened the app: installing for him answers 403 (role not granted). */
    contact: {
      userId: 'e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b',
      name: 'Diego Siciliani',
      mail: 'diegos@fabrikam.example',
    },
  },
} as const;

/** What a customer grants for the whole product: incidents, Teams install, mail, directory, MDE. */
const FULL_GRANT = [
  'SecurityIncident.ReadWrite.All',
  'AppCatalog.Read.All',
  'TeamsAppInstallation.ReadWriteSelfForUser.All',
  'Mail.Send',
  'User.Read.All',
  'Machine.Read.All',
  'Machine.Isolate',
  'Machine.RestrictExecution',
  'Machine.StopAndQuarantine',
];

export const CONTOSO_GRANTED_ROLES = [...FULL_GRANT];
/** Fabrikam's admin skipped the Teams installation permission. */
export const FABRIKAM_GRANTED_ROLES = FULL_GRANT.filter(
  (r) => r !== 'TeamsAppInstallation.ReadWriteSelfForUser.All',
);

const ourApp = (catalogId: string): EmulatorTeamsAppSeed => ({
  id: catalogId,
  externalId: TEAMS_APP_MANIFEST_ID,
  displayName: 'Managed Response',
  distributionMethod: 'organization',
  version: '0.1.0',
  azureADAppId: DEMO_BOT_APP_ID,
  shortDescription: 'Defender XDR incidents and response actions from your MDR service.',
});

const oneNote: EmulatorTeamsAppSeed = {
  id: DEMO_DIRECTORY.contoso.storeApp.catalogId,
  externalId: null,
  displayName: 'OneNote',
  distributionMethod: 'store',
  version: '1.0.0',
  azureADAppId: null,
};

const person = (
  userId: string,
  displayName: string,
  upn: string,
  jobTitle: string,
  extra: Partial<EmulatorUserSeed> = {},
): EmulatorUserSeed => {
  const [givenName = displayName, surname = null] = displayName.split(' ');
  return {
    id: userId,
    displayName,
    userPrincipalName: upn,
    mail: upn,
    givenName,
    surname,
    jobTitle,
    ...extra,
  };
};

export function contosoDirectory(): {
  users: EmulatorUserSeed[];
  teamsApps: EmulatorTeamsAppSeed[];
} {
  const c = DEMO_DIRECTORY.contoso;
  const app = c.teamsApp.catalogId;
  const both = [app, c.storeApp.catalogId];
  return {
    teamsApps: [ourApp(app), oneNote],
    users: [
      person(
        c.installed.alexWilber,
        'Alex Wilber',
        'alexw@contoso.example',
        'Security Operations Lead',
        { installedTeamsApps: both, chatId: c.playgroundChats.alexWilber },
      ),
      person(c.installed.meganBowen, 'Megan Bowen', 'meganb@contoso.example', 'Security Analyst', {
        installedTeamsApps: both,
        chatId: c.playgroundChats.meganBowen,
      }),
      person(c.installed.adeleVance, 'Adele Vance', 'adelev@contoso.example', 'IT Manager', {
        installedTeamsApps: [app],
      }),
      person(
        c.contacts.neverOpenedApp.userId,
        c.contacts.neverOpenedApp.name,
        c.contacts.neverOpenedApp.mail,
        'Infrastructure Engineer',
        { installedTeamsApps: [c.storeApp.catalogId] },
      ),
      person(
        c.contacts.emailOnly.userId,
        c.contacts.emailOnly.name,
        c.contacts.emailOnly.mail,
        'Plant Manager',
        { appInstallBlockedByPolicy: true },
      ),
      person(c.noTeamsLicense.userId, c.noTeamsLicense.name, 'lynner@contoso.example', 'Auditor', {
        teamsLicensed: false,
      }),
      person(
        '8e2a4c6f-0b1d-4e3a-9c5b-7d9f1a3c5e7b',
        'Jane Doe',
        'j.doe@contoso.com',
        'HR Specialist',
      ),
      {
        id: c.serviceMailbox.userId,
        displayName: 'Contoso Security Notifications',
        userPrincipalName: c.serviceMailbox.mail,
        mail: c.serviceMailbox.mail,
        teamsLicensed: false,
      },
    ],
  };
}

export function fabrikamDirectory(): {
  users: EmulatorUserSeed[];
  teamsApps: EmulatorTeamsAppSeed[];
} {
  const f = DEMO_DIRECTORY.fabrikam;
  return {
    teamsApps: [ourApp(f.teamsApp.catalogId)],
    users: [
      person(f.contact.userId, f.contact.name, f.contact.mail, 'CISO'),
      {
        id: f.serviceMailbox.userId,
        displayName: 'Fabrikam SOC Notifications',
        userPrincipalName: f.serviceMailbox.mail,
        mail: f.serviceMailbox.mail,
        teamsLicensed: false,
      },
    ],
  };
}
