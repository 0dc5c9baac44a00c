import { slugify } from './slug';

describe('slugify', () => {
  it.each([
    ['Home & Kitchen', 'home-kitchen'],
    ['  Électronique / Audio  ', 'electronique-audio'],
    ['USB-C Cables', 'usb-c-cables'],
  ])('when the name is %j, then the slug is %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });
  it('when the name has no latin letters, then the slug is a stable hash', () => {
    expect(slugify('家電')).toMatch(/^c-[0-9a-f]{8}$/);
    expect(slugify('家電')).toBe(slugify('家電'));
  });
});
