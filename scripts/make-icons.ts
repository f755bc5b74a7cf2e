// Draws the Teams app icons (a shield with a check mark) and writes them next to the manifest:
//   manifest/color.png    192×192, full colour
//   manifest/outline.png   32×32, white on transparent
// The PNGs are committed inputs of `npm run package`; run this only to change the artwork:
//   node --import tsx scripts/make-icons.ts
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

type Rgb = readonly [number, number, number];
type Point = readonly [number, number];

/** Keep in step with accentColor in manifest/manifest.template.json. */
const accent: Rgb = [0x1f, 0x4e, 0x79];
const white: Rgb = [255, 255, 255];
const subsamples = 4; // per axis: 16 samples per pixel give smooth edges

/** A shield placed in the unit square: left/right/top/bottom bounds of its box. */
interface ShieldBox {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function insideShield(box: ShieldBox, x: number, y: number): boolean {
  const u = ((x - box.left) / (box.right - box.left)) * 2 - 1; // -1..1 across
  const v = (y - box.top) / (box.bottom - box.top); // 0..1 down
  if (v > 1 || Math.abs(u) > 1) return false;
  if (v < 0.07 * u * u) return false; // gently arched top edge
  const shoulder = 0.42;
  const halfWidth = v <= shoulder ? 1 : 1 - ((v - shoulder) / (1 - shoulder)) ** 2;
  return Math.abs(u) <= halfWidth;
}

/** The check mark as a polyline in shield-box coordinates (0..1 each way). */
const checkMark: readonly Point[] = [
  [0.27, 0.47],
  [0.44, 0.64],
  [0.74, 0.32],
];

function distanceToSegment([px, py]: Point, [ax, ay]: Point, [bx, by]: Point): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function onCheckMark(box: ShieldBox, x: number, y: number, thickness: number): boolean {
  const point: Point = [
    (x - box.left) / (box.right - box.left),
    (y - box.top) / (box.bottom - box.top),
  ];
  for (let index = 1; index < checkMark.length; index++) {
    if (distanceToSegment(point, checkMark[index - 1]!, checkMark[index]!) <= thickness / 2) {
      return true;
    }
  }
  return false;
}

/** On the shield's border: inside it, with some point within `width` outside it. */
function onShieldBorder(box: ShieldBox, x: number, y: number, width: number): boolean {
  if (!insideShield(box, x, y)) return false;
  for (let step = 0; step < 24; step++) {
    const angle = (step / 24) * 2 * Math.PI;
    if (!insideShield(box, x + width * Math.cos(angle), y + width * Math.sin(angle))) return true;
  }
  return false;
}

/** Fraction of a pixel's samples for which `covers(x, y)` holds, x and y in the unit square. */
function coverage(size: number, px: number, py: number, covers: (x: number, y: number) => boolean) {
  let hits = 0;
  for (let sy = 0; sy < subsamples; sy++) {
    for (let sx = 0; sx < subsamples; sx++) {
      const x = (px + (sx + 0.5) / subsamples) / size;
      const y = (py + (sy + 0.5) / subsamples) / size;
      if (covers(x, y)) hits++;
    }
  }
  return hits / (subsamples * subsamples);
}

function mix(a: Rgb, b: Rgb, amount: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(a[i]! * (1 - amount) + b[i]! * amount)) as unknown as Rgb;
}

export function drawColorIcon(): PNG {
  const size = 192;
  const png = new PNG({ width: size, height: size });
  const box: ShieldBox = { left: 0.24, right: 0.76, top: 0.19, bottom: 0.83 };
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const shield = coverage(size, px, py, (x, y) => insideShield(box, x, y));
      const check = coverage(size, px, py, (x, y) => onCheckMark(box, x, y, 0.13));
      const colour = mix(mix(accent, white, shield), accent, check);
      const offset = (py * size + px) * 4;
      png.data[offset] = colour[0];
      png.data[offset + 1] = colour[1];
      png.data[offset + 2] = colour[2];
      png.data[offset + 3] = 255;
    }
  }
  return png;
}

export function drawOutlineIcon(): PNG {
  const size = 32;
  const png = new PNG({ width: size, height: size });
  const box: ShieldBox = { left: 0.16, right: 0.84, top: 0.07, bottom: 0.95 };
  const stroke = 2.2 / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const alpha = coverage(
        size,
        px,
        py,
        (x, y) => onShieldBorder(box, x, y, stroke) || onCheckMark(box, x, y, 0.15),
      );
      // Teams tints the outline icon itself: every pixel is white, only its alpha varies.
      const offset = (py * size + px) * 4;
      png.data[offset] = 255;
      png.data[offset + 1] = 255;
      png.data[offset + 2] = 255;
      png.data[offset + 3] = Math.round(alpha * 255);
    }
  }
  return png;
}

async function main(): Promise<void> {
  const icons = { 'color.png': drawColorIcon(), 'outline.png': drawOutlineIcon() };
  for (const [name, png] of Object.entries(icons)) {
    const file = fileURLToPath(new URL(`../manifest/${name}`, import.meta.url));
    await writeFile(file, PNG.sync.write(png));
    console.log(`wrote ${file}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
