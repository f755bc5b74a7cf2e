// The node arguments that run the start command in a child process: the build that the test
// runner made of it (scripts/build-test-bot.ts) when there is one, src/start.ts through tsx
// otherwise (a plain `mocha` run).
import { TEST_BOT_ENV } from '../../scripts/build-test-bot.ts';

export function botCommand(): string[] {
  const built = process.env[TEST_BOT_ENV];
  return built
    ? ['--disable-warning=DEP0111', built]
    : ['--disable-warning=DEP0111', '--import', 'tsx', 'src/start.ts'];
}
