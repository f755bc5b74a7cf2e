/** The placeholders manifest.template.json uses, filled at packaging time. */
export interface ManifestValues {
  BOT_ID: string;
  BOT_DOMAIN: string;
}

const placeholder = /\{\{([A-Za-z0-9_]+)\}\}/g;

/**
 * Replaces `{{NAME}}` in every string of the template. Throws on a placeholder without a value,
 * so nothing unfilled can reach a package (the schema would not catch one in validDomains).
 */
export function fillManifest(template: unknown, values: ManifestValues): unknown {
  const lookup: Record<string, string> = { ...values };
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return node.replace(placeholder, (match, name: string) => {
        const value = lookup[name];
        if (value === undefined) throw new Error(`Manifest placeholder ${match} has no value`);
        return value;
      });
    }
    if (Array.isArray(node)) return node.map(fill);
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, fill(value)]));
    }
    return node;
  };
  return fill(template);
}
