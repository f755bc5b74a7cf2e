import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { checkIcons } from '../../manifest/check-icons.ts';

async function readIcon(name: string): Promise<Buffer> {
  return readFile(new URL(`../../manifest/${name}`, import.meta.url));
}

function pixels(png: PNG): Array<[number, number, number, number]> {
  const result: Array<[number, number, number, number]> = [];
  for (let offset = 0; offset < png.data.length; offset += 4) {
    result.push([
      png.data[offset]!,
      png.data[offset + 1]!,
      png.data[offset + 2]!,
      png.data[offset + 3]!,
    ]);
  }
  return result;
}

describe('app icons', () => {
  it('has a 192×192 full-colour, opaque colour icon', async () => {
    const png = PNG.sync.read(await readIcon('color.png'));
    assert.equal(png.width, 192);
    assert.equal(png.height, 192);
    const all = pixels(png);
    assert.ok(
      all.every(([, , , alpha]) => alpha === 255),
      'every pixel is opaque',
    );
    const colours = new Set(all.map(([r, g, b]) => `${r},${g},${b}`));
    assert.ok(colours.size > 2, `expected a drawing, found ${colours.size} colours`);
  });

  it('has a 32×32 outline icon of white on transparent', async () => {
    const png = PNG.sync.read(await readIcon('outline.png'));
    assert.equal(png.width, 32);
    assert.equal(png.height, 32);
    const all = pixels(png);
    const transparent = all.filter(([, , , alpha]) => alpha === 0).length;
    const opaqueWhite = all.filter(([r, g, b, alpha]) => alpha === 255 && r + g + b === 765).length;
    assert.ok(transparent > 0, 'has a transparent background');
    assert.ok(opaqueWhite > 0, 'has a visible white outline');
    const offending = all.filter(
      ([r, g, b, alpha]) => alpha !== 0 && (r !== 255 || g !== 255 || b !== 255),
    );
    assert.equal(offending.length, 0, 'every visible pixel is white');
  });

  it('passes the packaging icon check', async () => {
    assert.deepEqual(
      checkIcons({ color: await readIcon('color.png'), outline: await readIcon('outline.png') }),
      [],
    );
  });
});

describe('checkIcons', () => {
  const draw = (size: number, rgba: [number, number, number, number]): Buffer => {
    const png = new PNG({ width: size, height: size });
    for (let offset = 0; offset < png.data.length; offset += 4) png.data.set(rgba, offset);
    return PNG.sync.write(png);
  };

  it('reports icons of the wrong size', () => {
    const problems = checkIcons({
      color: draw(32, [0, 0, 255, 255]),
      outline: draw(192, [255, 255, 255, 0]),
    });
    assert.deepEqual(problems, [
      'color icon is 32×32; Teams needs 192×192',
      'outline icon is 192×192; Teams needs 32×32',
    ]);
  });

  it('reports an outline icon that is coloured or has no transparency', () => {
    const problems = checkIcons({
      color: draw(192, [0, 0, 255, 255]),
      outline: draw(32, [0, 0, 0, 255]),
    });
    assert.deepEqual(problems, [
      'outline icon has no transparent background',
      'outline icon has 1024 visible pixels that are not white',
    ]);
  });

  it('reports a file that is not a PNG', () => {
    const problems = checkIcons({
      color: Buffer.from('GIF89a'),
      outline: draw(32, [255, 255, 255, 0]),
    });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^color icon is not a PNG/);
  });
});
