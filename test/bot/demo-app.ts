// The app as `npm start` assembles it in demo mode (so with the chat relay), on a memory store
// and a Defender that is never called: for tests that look at what the app is made of.
import { buildApp, type App } from '../../src/app/build-app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { FakeMessenger } from '../delivery/fake-messenger.ts';
import { fakeDefender } from '../fakes/fake-defender.ts';
import { MemoryStore } from '../fakes/memory-store.ts';

export function demoApp(): Promise<App> {
  return buildApp(loadConfig({}), new MemoryStore(), {
    logger: silentLogger,
    defender: fakeDefender([]),
    demo: true,
    messenger: new FakeMessenger(),
  });
}
