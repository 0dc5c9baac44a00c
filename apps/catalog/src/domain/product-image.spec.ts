import { dimensionProblemOf, listingImageUrlOf, sniffImageType, variantPlanOf, variantWidthsOf, type StoredProductImage } from './product-image';

const limits = { maxBytes: 1000, maxPixels: 10_000, minSide: 64, maxImagesPerProduct: 2 };

function bytes(...parts: Array<number[] | string>): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? Array.from(part, (character) => character.charCodeAt(0)) : part)));
}

describe('sniffImageType', () => {
  it.each([
    ['a JPEG', bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    ['a PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
    ['a GIF', bytes('GIF89a'), 'image/gif'],
    ['a WebP', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '), 'image/webp'],
    ['an AVIF', bytes([0, 0, 0, 0x1c], 'ftypavif'), 'image/avif'],
    ['an AVIF sequence', bytes([0, 0, 0, 0x1c], 'ftypavis'), 'image/avif'],
    ['a little-endian TIFF', bytes('II', [0x2a, 0]), 'image/tiff'],
    ['a big-endian TIFF', bytes('MM', [0, 0x2a]), 'image/tiff'],
  ])('when the bytes start like %s, then it is %s', (_what, head, type) => {
    expect(sniffImageType(head)).toBe(type);
  });

  it.each([
    ['text', bytes('hello, I am a PNG')],
    ['an SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg">')],
    ['a HEIC', bytes([0, 0, 0, 0x18], 'ftypheic')],
    ['a RIFF that is not WebP', bytes('RIFF', [1, 2, 3, 4], 'WAVE')],
    ['a cut-off JPEG marker', bytes([0xff, 0xd8])],
    ['nothing', bytes()],
  ])('when the bytes are %s, then it is no accepted image', (_what, head) => {
    expect(sniffImageType(head)).toBeUndefined();
  });
});

describe('variants', () => {
  it('when the original is wider than every width, then each width is served in each format, best format first', () => {
    expect(variantWidthsOf(4000)).toEqual([320, 640, 1280]);
    expect(variantPlanOf(2000).slice(0, 3)).toEqual([
      { width: 320, format: 'avif' },
      { width: 320, format: 'webp' },
      { width: 320, format: 'jpeg' },
    ]);
  });

  it('when the original is narrower than some widths, then it is never enlarged: its own width replaces the larger ones once', () => {
    expect(variantWidthsOf(800)).toEqual([320, 640, 800]);
    expect(variantWidthsOf(200)).toEqual([200]);
    expect(variantWidthsOf(640)).toEqual([320, 640]);
  });
});

describe('dimensionProblemOf', () => {
  it('when an image has too many pixels or a short side, then it says which', () => {
    expect(dimensionProblemOf({ width: 101, height: 100 }, limits)).toBe('too_many_pixels');
    expect(dimensionProblemOf({ width: 150, height: 63 }, limits)).toBe('too_small');
    expect(dimensionProblemOf({ width: 100, height: 100 }, limits)).toBeUndefined();
  });
});

describe('listingImageUrlOf', () => {
  const image = (widths: number[]): StoredProductImage => ({
    id: 'a'.repeat(64),
    width: Math.max(...widths),
    height: Math.max(...widths),
    alt: null,
    variants: widths.flatMap((width) => (['avif', 'webp', 'jpeg'] as const).map((format) => ({ width, height: width, format }))),
  });

  it('when the image has a 640 px JPEG, then listings show it; else its widest JPEG below 640; else its narrowest', () => {
    expect(listingImageUrlOf(image([320, 640, 1280]))).toBe(`/media/${'a'.repeat(64)}/640.jpeg`);
    expect(listingImageUrlOf(image([320, 500]))).toBe(`/media/${'a'.repeat(64)}/500.jpeg`);
    expect(listingImageUrlOf({ ...image([]), variants: [{ width: 900, height: 900, format: 'jpeg' }] })).toBe(`/media/${'a'.repeat(64)}/900.jpeg`);
  });
});
