// @ts-check
import tseslint from 'typescript-eslint';

// Layers, enforced (test/lint/import-boundaries.test.ts shows each rule failing). From the top:
// the composition root (src/main.ts, src/app/build-app.ts) → bot/ (Teams transport) → features
// (src/features/<name>/, which never import each other) → src/app/ (the Feature contract),
// src/shared/, cards/ → the platform pieces (src/delivery, defender, watcher, store, emulator,
// cluster) → src/platform/ → src/domain/. No import runs back up; botbuilder stays in bot/ and
// the composition root.
const FEATURES = ['managed-response', 'notifications', 'tenants', 'reports', 'chat', 'containment'];
const restrict = (...patterns) => ['error', { patterns }];
const rule = (regex, message) => ({ regex, message });
const BOTBUILDER = rule(
  '^botbuilder',
  'botbuilder is imported only in bot/ and the composition root (src/app/build-app.ts, src/main.ts).',
);
const UP_OUT_OF_SRC = rule(
  '^(\\.\\./)+(bot|test|bench|scripts)/',
  'Nothing under src/ imports bot/, test/, bench/ or scripts/: no import runs back up.',
);
const UP_TO_TOOLS = rule(
  '^(\\.\\./)+(test|bench|scripts)/',
  'Production code never imports test/, bench/ or scripts/.',
);
const ROOT = rule(
  '(^|/)(app/build-app|main)\\.ts$',
  'Only src/main.ts uses the composition root; take what you need as a dependency instead.',
);
const UP_TO_FEATURES = rule(
  '(^|/)features/',
  'Features are assembled by src/app/build-app.ts; nothing below them imports them.',
);
const UP_TO_APP = rule(
  '(^|/)app/',
  'src/app/ sits above this layer: take what you need as a dependency.',
);
const UP_TO_SHARED = rule('(^|/)shared/', 'src/shared/ sits above the platform pieces.');
const otherFeatures = (name) =>
  rule(
    `(^|/)(${FEATURES.filter((f) => f !== name).join('|')})/`,
    `A feature does not import another feature (${name} → another): wire them in src/app/build-app.ts, or move what both need to src/shared/.`,
  );
const PLATFORM_PIECES = ['delivery', 'defender', 'watcher', 'store', 'emulator', 'cluster'];
const boundaries = [
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(BOTBUILDER, UP_OUT_OF_SRC, ROOT) },
  },
  {
    files: ['src/main.ts', 'src/app/build-app.ts'],
    rules: { 'no-restricted-imports': restrict(UP_TO_TOOLS) },
  },
  {
    files: ['src/app/**/*.ts'],
    // retention.ts and partition-rules.ts name the features' collections next to their retention
    // and partition rule, as build-app.ts names the features.
    ignores: ['src/app/build-app.ts', 'src/app/retention.ts', 'src/app/partition-rules.ts'],
    rules: { 'no-restricted-imports': restrict(BOTBUILDER, UP_OUT_OF_SRC, ROOT, UP_TO_FEATURES) },
  },
  ...FEATURES.map((name) => ({
    files: [`src/features/${name}/**/*.ts`],
    rules: {
      'no-restricted-imports': restrict(BOTBUILDER, UP_OUT_OF_SRC, ROOT, otherFeatures(name)),
    },
  })),
  {
    files: [
      'src/shared/**/*.ts',
      'src/server.ts',
      'src/json-body-parser.ts',
      'src/config.ts',
      'src/defender-setup.ts',
    ],
    rules: {
      'no-restricted-imports': restrict(BOTBUILDER, UP_OUT_OF_SRC, ROOT, UP_TO_FEATURES, UP_TO_APP),
    },
  },
  {
    files: PLATFORM_PIECES.map((piece) => `src/${piece}/**/*.ts`),
    rules: {
      'no-restricted-imports': restrict(
        BOTBUILDER,
        UP_OUT_OF_SRC,
        ROOT,
        UP_TO_FEATURES,
        UP_TO_APP,
        UP_TO_SHARED,
      ),
    },
  },
  {
    files: ['src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        rule('^\\.\\./', 'src/platform/ is the bottom kit: it imports only its own files.'),
      ),
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        rule('^(?!\\./)', 'src/domain/ imports nothing outside src/domain/ (no SDK, no I/O).'),
      ),
    },
  },
  {
    // One folder down (src/domain/report/): '../' is still inside the domain.
    files: ['src/domain/*/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        rule(
          '^(?!\\./|\\.\\./(?!\\.\\./))',
          'src/domain/ imports nothing outside src/domain/ (no SDK, no I/O).',
        ),
      ),
    },
  },
  {
    files: ['cards/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        BOTBUILDER,
        rule('^\\.\\./(?!src/domain/)', 'cards/ imports only its own files and src/domain/.'),
      ),
    },
  },
  {
    files: ['bot/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        UP_TO_TOOLS,
        ROOT,
        rule('(^|/)features/', 'bot/ sees features only through src/app/feature.ts.'),
      ),
    },
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'artifacts/', 'dist/', 'eslint.config.js'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Handlers implement async interfaces; an async body without await is fine there.
      '@typescript-eslint/require-await': 'off',
    },
  },
  ...boundaries,
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
