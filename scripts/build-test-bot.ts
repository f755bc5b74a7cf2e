// The start command (src/start.ts) built once per test run into plain JavaScript, for the tests
// that start the bot as a child process (e2e journeys, cluster instances, restarts). Loaded
// through tsx, every start spends about 8 s of CPU, half of it in the loader hooks resolving and
// transpiling the bot's modules one by one; the built one starts in about half that. The code is
// the same (esbuild transpiles it for tsx too); node_modules stay external, and each module's
// `import.meta.url` keeps naming its own source file, so templates and data files beside the
// sources are found as under tsx. `npm start` itself stays on tsx, and so does the test that
// runs it in production mode (test/config/config.test.ts), which loads the bot through tsx.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

/** The environment variable that hands the built entry point to the tests' child processes. */
export const TEST_BOT_ENV = 'MRB_TEST_BOT';

const sourceUrls: Plugin = {
  name: 'source-import-meta-url',
  setup(plugin) {
    plugin.onLoad({ filter: /\.ts$/ }, async ({ path: file }) => {
      const source = await readFile(file, 'utf8');
      const url = JSON.stringify(pathToFileURL(file).href);
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/** Builds src/start.ts into `outDir` and returns the entry point's path. */
export async function buildTestBot(outDir: string): Promise<string> {
  await rm(outDir, { recursive: true, force: true }); // chunks of an earlier build
  await build({
    entryPoints: { start: 'src/start.ts' },
    outdir: outDir,
    bundle: true,
    // The launcher loads the bot (src/main.ts) only when it runs it: keep that import lazy.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    plugins: [sourceUrls],
    logLevel: 'warning',
  });
  return path.resolve(outDir, 'start.js');
}
