/** @jest-environment jsdom */
import { fireEvent, screen } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import type { ProductImage as UploadedImage, ProductView } from '@shop/contracts';
import { ProductCard } from '../src/shop/product-card';
import { ProductPage } from '../src/shop/product-page';
import { FakeBackend, renderWithApp } from './app-harness';

const imageId = 'a'.repeat(64);

/** An uploaded 1600×1200 image with every variant the catalog serves. */
function uploadedImage(id = imageId, alt = 'Lamp, lit'): UploadedImage {
  const variants = (['avif', 'webp', 'jpeg'] as const).flatMap((format) => [320, 640, 1280].map((width) => ({ width, height: (width * 3) / 4, format, url: `/media/${id}/${width}.${format}` })));
  // Out of order on purpose: the srcset lists them by width whatever order the catalog answers in.
  return { id, width: 1600, height: 1200, alt, variants: variants.reverse() };
}

function product(overrides: Partial<ProductView> = {}): ProductView {
  return {
    id: '3f1c2a4e-0000-4000-8000-000000000001',
    sku: 'LAMP-1',
    name: 'Desk Lamp',
    description: '',
    brand: null,
    category: null,
    imageUrls: [],
    images: [],
    attributes: {},
    price: { amount: 2499, currency: 'EUR' },
    status: 'active',
    version: 1,
    availability: { available: 5, inStock: true },
    createdAt: '2030-01-01T00:00:00Z',
    updatedAt: '2030-01-01T00:00:00Z',
    ...overrides,
  };
}

const cardOf = (view: ProductView) => renderWithApp(<ProductCard product={view} />, { path: '/', backend: new FakeBackend(), user: null });

describe('product images', () => {
  it('when a product has an uploaded image, then the card shows a picture: AVIF and WebP sources, a JPEG img with its size, lazy and async', () => {
    const { container } = cardOf(product({ images: [uploadedImage()], imageUrls: [`/media/${imageId}/640.jpeg`] }));
    const picture = container.querySelector('picture')!;
    const sources = [...picture.querySelectorAll('source')];
    expect(sources.map((source) => source.getAttribute('type'))).toEqual(['image/avif', 'image/webp']);
    expect(sources[0].getAttribute('srcset')).toBe(`/media/${imageId}/320.avif 320w, /media/${imageId}/640.avif 640w, /media/${imageId}/1280.avif 1280w`);
    expect(sources[1].getAttribute('srcset')).toBe(`/media/${imageId}/320.webp 320w, /media/${imageId}/640.webp 640w, /media/${imageId}/1280.webp 1280w`);
    expect(sources.every((source) => !!source.getAttribute('sizes'))).toBe(true);
    const img = picture.querySelector('img')!;
    expect(img.getAttribute('src')).toBe(`/media/${imageId}/640.jpeg`);
    expect(img.getAttribute('srcset')).toBe(`/media/${imageId}/320.jpeg 320w, /media/${imageId}/640.jpeg 640w, /media/${imageId}/1280.jpeg 1280w`);
    expect(img.getAttribute('sizes')).toBe(sources[0].getAttribute('sizes'));
    expect([img.getAttribute('width'), img.getAttribute('height')]).toEqual(['1600', '1200']);
    expect([img.getAttribute('loading'), img.getAttribute('decoding'), img.getAttribute('fetchpriority')]).toEqual(['lazy', 'async', null]);
    expect(img.getAttribute('alt')).toBe('Lamp, lit');
  });

  it('when a product has only an external image URL, then the card shows it as a plain img; with none, the initials placeholder', () => {
    const { container, unmount } = cardOf(product({ imageUrls: ['https://images.example.com/lamp.jpg'] }));
    expect(container.querySelector('picture')).toBeNull();
    const img = container.querySelector('img')!;
    expect([img.getAttribute('src'), img.getAttribute('alt'), img.getAttribute('loading')]).toEqual(['https://images.example.com/lamp.jpg', 'Desk Lamp', 'lazy']);
    unmount();

    cardOf(product());
    expect(screen.getByRole('img', { name: 'Desk Lamp' }).textContent).toBe('DL');
  });

  it('when an image fails to load, then the placeholder takes its place', () => {
    const { container } = cardOf(product({ images: [uploadedImage()], imageUrls: [`/media/${imageId}/640.jpeg`] }));
    fireEvent.error(container.querySelector('img')!);
    expect(container.querySelector('picture')).toBeNull();
    expect(screen.getByRole('img', { name: 'Desk Lamp' }).textContent).toBe('DL');
  });

  it('when the product page opens, then its main image loads at once with high priority, and a thumbnail shows each image in its own variants', async () => {
    const second = 'b'.repeat(64);
    const view = product({
      images: [uploadedImage(), uploadedImage(second, 'Lamp, off')],
      imageUrls: [`/media/${imageId}/640.jpeg`, `/media/${second}/640.jpeg`, 'https://images.example.com/lamp.jpg'],
    });
    const backend = new FakeBackend().on('GET', `/api/catalog/products/${view.id}?lang=en`, { status: 200, body: view });
    const { container } = renderWithApp(
      <Routes>
        <Route path="/products/:ref" element={<ProductPage />} />
      </Routes>,
      { path: `/products/${view.id}`, backend, user: null },
    );
    await screen.findByRole('heading', { name: 'Desk Lamp' });
    const main = container.querySelector<HTMLImageElement>('.gallery > picture img')!;
    expect([main.getAttribute('loading'), main.getAttribute('fetchpriority'), main.getAttribute('decoding')]).toEqual(['eager', 'high', 'async']);
    expect(main.getAttribute('src')).toBe(`/media/${imageId}/640.jpeg`);
    expect(main.getAttribute('alt')).toBe('Lamp, lit');

    const thumbnails = [...container.querySelectorAll('.thumbnails img')];
    expect(thumbnails.map((img) => img.getAttribute('src'))).toEqual([`/media/${imageId}/640.jpeg`, `/media/${second}/640.jpeg`, 'https://images.example.com/lamp.jpg']);
    expect(thumbnails.map((img) => img.getAttribute('loading'))).toEqual(['lazy', 'lazy', 'lazy']);
    expect(thumbnails[0].getAttribute('sizes')).toBe('64px');

    fireEvent.click(screen.getByRole('button', { name: 'Show image 2' }));
    expect(container.querySelector('.gallery > picture img')!.getAttribute('alt')).toBe('Lamp, off');
    fireEvent.click(screen.getByRole('button', { name: 'Show image 3' }));
    expect(container.querySelector('.gallery > picture')).toBeNull();
    const external = container.querySelector<HTMLImageElement>('.gallery > img')!;
    expect([external.getAttribute('src'), external.getAttribute('loading'), external.getAttribute('fetchpriority')]).toEqual(['https://images.example.com/lamp.jpg', 'eager', 'high']);
  });
});
