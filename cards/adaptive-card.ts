// The shape the renderer guarantees for its output. Deliberately loose below the top level: the
// official parser (in tests) is the authority on elements, this type only keeps callers honest.
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  version: string;
  $schema?: string;
  body?: unknown[];
  actions?: unknown[];
  refresh?: unknown;
  msteams?: unknown;
  [property: string]: unknown;
}
