// adaptivecards-templating's typings import `adaptivecards/src/schema`, which resolves to the
// library's TypeScript sources (CommonJS .ts that our ESM settings reject). We never use that
// type, so tsconfig `paths` points the import here.
export type IAdaptiveCard = Record<string, unknown>;
