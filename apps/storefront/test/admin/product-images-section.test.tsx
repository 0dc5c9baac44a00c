/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import type { AdminProductView, ProductImage } from '@shop/contracts';
import { ProductEditPage } from '../../src/admin/product-edit-page';
import { FakeBackend, renderWithApp } from '../app-harness';
import { adminProduct, fixtureProductId } from './fixtures';

const adminPath = `/api/catalog/admin/products/${fixtureProductId}`;
const uploadPath = `/api/catalog/products/${fixtureProductId}/images`;
const imageId = 'c'.repeat(64);

const image: ProductImage = {
  id: imageId,
  width: 1600,
  height: 1200,
  alt: 'Desk lamp',
  variants: (['avif', 'webp', 'jpeg'] as const).flatMap((format) => [1280, 640, 320].map((width) => ({ width, height: (width * 3) / 4, format, url: `/media/${imageId}/${width}.${format}` }))),
};

/** The catalog's admin API holding `current`: reads answer it with its version as ETag. */
function catalogWith(current: { product: AdminProductView }) {
  return new FakeBackend().on('GET', adminPath, () => ({ status: 200, body: current.product, headers: { etag: `"v${current.product.version}"` } }));
}

async function openEditPage(backend: FakeBackend) {
  renderWithApp(
    <Routes>
      <Route path="/admin/products/:id" element={<ProductEditPage />} />
    </Routes>,
    { path: `/admin/products/${fixtureProductId}`, backend },
  );
  await screen.findByRole('heading', { level: 1, name: 'Edit Desk lamp' });
  return within(screen.getByRole('region', { name: 'Images' }));
}

const chooseFile = (section: ReturnType<typeof within>, file: File) => fireEvent.change(section.getByLabelText('Image file'), { target: { files: [file] } });
const aPhoto = () => new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], 'lamp.jpg', { type: 'image/jpeg' });

describe('product images on the edit page', () => {
  it('when the admin uploads a file, then it is posted as multipart field file (with the alt text), and the product is read again to show the new image', async () => {
    const current = { product: adminProduct({ images: [] }) };
    const backend = catalogWith(current).on('POST', uploadPath, () => {
      current.product = adminProduct({ images: [image], imageUrls: [`/media/${imageId}/640.jpeg`], version: 4 });
      return { status: 201, body: image };
    });
    const section = await openEditPage(backend);
    expect(section.getByText('No uploaded images yet.')).toBeTruthy();

    fireEvent.click(section.getByRole('button', { name: 'Upload image' }));
    expect(await section.findByText('Choose an image file first.')).toBeTruthy();
    expect(backend.adminRequests('POST')).toHaveLength(0);

    const file = aPhoto();
    chooseFile(section, file);
    fireEvent.change(section.getByLabelText('Alternative text (optional)'), { target: { value: ' Lamp, lit ' } });
    fireEvent.click(section.getByRole('button', { name: 'Upload image' }));
    expect(await section.findByText('Image uploaded.')).toBeTruthy();

    const [upload] = backend.adminRequests('POST');
    expect(upload.path).toBe(uploadPath);
    expect(upload.headers['content-type']).toBeUndefined();
    expect(upload.headers.authorization).toBe('Bearer token');
    const form = upload.body as FormData;
    expect(form).toBeInstanceOf(FormData);
    expect((form.get('file') as File).name).toBe('lamp.jpg');
    expect(form.get('alt')).toBe('Lamp, lit');

    const thumbnail = await section.findByRole('img', { name: 'Desk lamp' });
    expect(thumbnail.getAttribute('src')).toBe(`/media/${imageId}/320.jpeg`);
    expect(thumbnail.parentElement!.querySelector('source')!.getAttribute('srcset')).toBe(`/media/${imageId}/320.webp`);
    expect([thumbnail.getAttribute('width'), thumbnail.getAttribute('height')]).toEqual(['320', '240']);
    // The page now writes with the new version.
    expect(screen.getByText(/version 4/)).toBeTruthy();
    expect(section.getByLabelText<HTMLInputElement>('Alternative text (optional)').value).toBe('');
  });

  it.each([
    [413, {}, 'The file is too large: at most 15 MB.'],
    [415, { acceptedTypes: ['image/jpeg'] }, 'The file is not an image the shop accepts (JPEG, PNG, WebP, AVIF, GIF or TIFF).'],
    [422, { minSide: 64 }, 'The image is too small: both sides must be at least 64 px.'],
    [422, { maxPixels: 40_000_000 }, 'The image has too many pixels: at most 40 million.'],
    [422, {}, 'The image cannot be read: the file is damaged or incomplete.'],
    [409, { maxImages: 20 }, 'A product has at most 20 images: delete one first.'],
  ])('when the catalog refuses the upload with %i %j, then the admin reads why', async (status, extensions, message) => {
    const backend = catalogWith({ product: adminProduct({ images: [] }) }).on('POST', uploadPath, { status, body: { status, title: 'Refused', detail: 'refused', ...extensions } });
    const section = await openEditPage(backend);
    chooseFile(section, aPhoto());
    fireEvent.click(section.getByRole('button', { name: 'Upload image' }));
    expect((await section.findByRole('alert')).textContent).toBe(message);
  });

  it('when the admin deletes an image, then the catalog is told and the product is read again without it', async () => {
    const current = { product: adminProduct({ images: [image], imageUrls: [`/media/${imageId}/640.jpeg`] }) };
    const backend = catalogWith(current).on('DELETE', `${uploadPath}/${imageId}`, () => {
      current.product = adminProduct({ images: [], version: 4 });
      return { status: 204 };
    });
    const section = await openEditPage(backend);
    fireEvent.click(section.getByRole('button', { name: 'Delete image 1' }));
    expect(await section.findByText('Image deleted.')).toBeTruthy();
    expect(backend.adminRequests('DELETE').map((request) => request.path)).toEqual([`${uploadPath}/${imageId}`]);
    await waitFor(() => expect(section.getByText('No uploaded images yet.')).toBeTruthy());
  });
});
