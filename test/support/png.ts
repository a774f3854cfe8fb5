import { inflateSync } from 'node:zlib';

/** Pixels of a decoded PNG: 8-bit RGBA, row-major. */
export interface DecodedPng {
  width: number;
  height: number;
  rgba: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Channels per colour type (greyscale, RGB, –, –, grey+alpha, –, RGBA); palettes are not used by Chromium. */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * Decodes a non-interlaced 8-bit PNG (what Chromium's screenshots are) with node:zlib only, so a
 * test can look at pixels without a native image library.
 */
export function decodePng(png: Buffer): DecodedPng {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const bitDepth = data[8];
      const colourType = data[9] ?? -1;
      const interlace = data[12];
      channels = CHANNELS[colourType] ?? 0;
      if (bitDepth !== 8 || channels === 0 || interlace !== 0) {
        throw new Error(
          `unsupported PNG (bit depth ${bitDepth}, colour type ${colourType}, interlace ${interlace})`,
        );
      }
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const value = line[x]!;
      let out: number;
      switch (filter) {
        case 0:
          out = value;
          break;
        case 1:
          out = value + a;
          break;
        case 2:
          out = value + b;
          break;
        case 3:
          out = value + ((a + b) >> 1);
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          out = value + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          throw new Error(`bad PNG filter ${filter} on row ${y}`);
      }
      pixels[y * stride + x] = out & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const p = pixels.subarray(i * channels, (i + 1) * channels);
    const grey = channels <= 2;
    rgba[i * 4] = p[0]!;
    rgba[i * 4 + 1] = grey ? p[0]! : p[1]!;
    rgba[i * 4 + 2] = grey ? p[0]! : p[2]!;
    rgba[i * 4 + 3] = channels === 4 ? p[3]! : channels === 2 ? p[1]! : 255;
  }
  return { width, height, rgba };
}

/** How varied an image is: a blank (single-colour) area has one colour and a dominant share of 1. */
export interface ColourStats {
  pixels: number;
  distinctColours: number;
  /** Share of pixels with the most frequent colour, 0–1. */
  dominantShare: number;
}

export function colourStats(png: Buffer): ColourStats {
  const { width, height, rgba } = decodePng(png);
  const counts = new Map<number, number>();
  for (let i = 0; i < width * height; i++) {
    const key = ((rgba[i * 4]! << 16) | (rgba[i * 4 + 1]! << 8) | rgba[i * 4 + 2]!) >>> 0;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const max = Math.max(0, ...counts.values());
  const pixels = width * height;
  return { pixels, distinctColours: counts.size, dominantShare: pixels === 0 ? 1 : max / pixels };
}
