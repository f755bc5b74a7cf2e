import { PNG } from 'pngjs';

/** Sizes Teams requires (the manifest schema only names them, it cannot check them). */
export const iconSizes = { color: 192, outline: 32 } as const;

/** Returns the problems with the icon files (empty when both are usable). */
export function checkIcons(icons: { color: Buffer; outline: Buffer }): string[] {
  const problems: string[] = [];
  for (const kind of ['color', 'outline'] as const) {
    let png: PNG;
    try {
      png = PNG.sync.read(icons[kind]);
    } catch (error) {
      problems.push(`${kind} icon is not a PNG: ${(error as Error).message}`);
      continue;
    }
    const size = iconSizes[kind];
    if (png.width !== size || png.height !== size) {
      problems.push(`${kind} icon is ${png.width}×${png.height}; Teams needs ${size}×${size}`);
    }
    if (kind === 'outline') problems.push(...outlineProblems(png));
  }
  return problems;
}

// Teams tints the outline icon, so it must be white on a transparent background.
function outlineProblems(png: PNG): string[] {
  let transparent = 0;
  let coloured = 0;
  for (let offset = 0; offset < png.data.length; offset += 4) {
    const alpha = png.data[offset + 3];
    if (alpha === 0) transparent++;
    else if (
      png.data[offset] !== 255 ||
      png.data[offset + 1] !== 255 ||
      png.data[offset + 2] !== 255
    ) {
      coloured++;
    }
  }
  const problems: string[] = [];
  if (transparent === 0) problems.push('outline icon has no transparent background');
  if (coloured > 0) problems.push(`outline icon has ${coloured} visible pixels that are not white`);
  return problems;
}
