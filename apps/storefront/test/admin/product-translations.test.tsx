/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import type { AdminProductView } from '@shop/contracts';
import { ProductCreatePage } from '../../src/admin/product-create-page';
import { ProductEditPage } from '../../src/admin/product-edit-page';
import { editFormFromProduct, emptyNewProductForm, newProductInputFromForm, productPatchFromForm, rebaseEditForm, type ProductEditForm } from '../../src/admin/product-form';
import { FakeBackend, renderWithApp } from '../app-harness';
import { adminProduct, fixtureProductId } from './fixtures';

const translated = (overrides: Partial<AdminProductView> = {}) =>
  adminProduct({
    translations: {
      de: { name: 'Schreibtischlampe', description: 'Eine Lampe.' },
      ja: { name: 'デスクランプ', description: '' },
    },
    ...overrides,
  });

const withTranslations = (form: ProductEditForm, translations: ProductEditForm['translations']): ProductEditForm => ({ ...form, translations: { ...form.translations, ...translations } });

describe('translations in the product form', () => {
  it('when a product has translations, then the edit form is prefilled with each offered language, an untranslated one empty', () => {
    expect(editFormFromProduct(translated()).translations).toEqual({ de: { name: 'Schreibtischlampe', description: 'Eine Lampe.' }, ja: { name: 'デスクランプ', description: '' } });
    expect(editFormFromProduct(adminProduct()).translations).toEqual({ de: { name: '', description: '' }, ja: { name: '', description: '' } });
  });

  it('when translations change, then the patch names only the changed languages with their changed fields; a cleared one is null; unchanged, nothing', () => {
    const current = translated();
    const form = editFormFromProduct(current);
    expect(productPatchFromForm(form, current).patch).toEqual({});
    expect(productPatchFromForm(withTranslations(form, { de: { name: ' Schreibtischleuchte ', description: 'Eine Lampe.' } }), current).patch).toEqual({ translations: { de: { name: 'Schreibtischleuchte' } } });
    expect(productPatchFromForm(withTranslations(form, { ja: { name: ' ', description: '' } }), current).patch).toEqual({ translations: { ja: null } });
    expect(productPatchFromForm(withTranslations(form, { de: { name: 'Schreibtischlampe', description: '' }, ja: { name: '', description: '' } }), current).patch).toEqual({
      translations: { de: { description: '' }, ja: null },
    });
  });

  it('when a language is translated for the first time, then the patch adds it with name and description', () => {
    const current = adminProduct();
    const { patch } = productPatchFromForm(withTranslations(editFormFromProduct(current), { de: { name: 'Lampe', description: '' } }), current);
    expect(patch).toEqual({ translations: { de: { name: 'Lampe', description: '' } } });
  });

  it('when a translation has a description but no name, then its name field says so and no translation is sent', () => {
    const current = translated();
    const { patch, errors } = productPatchFromForm(withTranslations(editFormFromProduct(current), { de: { name: '', description: 'Eine Lampe.' } }), current);
    expect(errors).toEqual({ 'translations.de.name': 'Enter the name in this language too, or clear its description.' });
    expect(patch).toEqual({});
    const created = newProductInputFromForm({ ...emptyNewProductForm, sku: 'LAMP-9', name: 'Lamp', price: '20', translations: { ja: { name: '', description: '説明' } } });
    expect(created.input).toBeUndefined();
    expect(created.errors).toEqual({ 'translations.ja.name': 'Enter the name in this language too, or clear its description.' });
  });

  it('when a translated name is longer than the catalog allows, then that field says so', () => {
    const current = adminProduct();
    const { errors } = productPatchFromForm(withTranslations(editFormFromProduct(current), { ja: { name: 'あ'.repeat(201), description: '' } }), current);
    expect(errors).toEqual({ 'translations.ja.name': 'Use at most 200 characters.' });
  });

  it('when a new product has translations, then the filled languages are sent (trimmed) and empty ones are not', () => {
    const form = { ...emptyNewProductForm, sku: 'LAMP-9', name: 'Lamp', price: '20', translations: { de: { name: ' Lampe ', description: ' Eine Lampe. ' }, ja: { name: '', description: '' } } };
    expect(newProductInputFromForm(form).input?.translations).toEqual({ de: { name: 'Lampe', description: 'Eine Lampe.' } });
    expect(newProductInputFromForm({ ...form, translations: {} }).input).not.toHaveProperty('translations');
  });

  it('when another write changed the product, then untouched translations follow it and edited ones stay', () => {
    const before = translated();
    const after = translated({ translations: { de: { name: 'Leuchte', description: 'Neu.' } } });
    const edited = withTranslations(editFormFromProduct(before), { ja: { name: 'ランプ', description: '' } });
    expect(rebaseEditForm(edited, before, after).translations).toEqual({ de: { name: 'Leuchte', description: 'Neu.' }, ja: { name: 'ランプ', description: '' } });
  });
});

describe('translations on the admin pages', () => {
  const adminPath = `/api/catalog/admin/products/${fixtureProductId}`;
  const patchPath = `/api/catalog/products/${fixtureProductId}`;

  function openEditPage(backend: FakeBackend, locale?: 'en' | 'de' | 'ja') {
    return renderWithApp(
      <Routes>
        <Route path="/admin/products/:id" element={<ProductEditPage />} />
      </Routes>,
      { path: `/admin/products/${fixtureProductId}`, backend, locale },
    );
  }

  it('when the edit page opens, then each language shows its translation; a change and a removal are saved as one merge-patch', async () => {
    const backend = new FakeBackend()
      .on('GET', adminPath, { status: 200, body: translated(), headers: { etag: '"v3"' } })
      .on('PATCH', patchPath, { status: 200, body: translated({ version: 4, translations: { de: { name: 'Schreibtischleuchte', description: 'Eine Lampe.' } } }), headers: { etag: '"v4"' } });
    openEditPage(backend);
    const section = within(await screen.findByRole('group', { name: 'Translations' }));
    expect(section.getByLabelText<HTMLInputElement>('Name in German').value).toBe('Schreibtischlampe');
    expect(section.getByLabelText<HTMLTextAreaElement>('Description in German').value).toBe('Eine Lampe.');
    expect(section.getByLabelText<HTMLInputElement>('Name in Japanese').value).toBe('デスクランプ');
    expect(section.getByLabelText('Name in Japanese').getAttribute('lang')).toBe('ja');

    fireEvent.change(section.getByLabelText('Name in German'), { target: { value: 'Schreibtischleuchte' } });
    fireEvent.change(section.getByLabelText('Name in Japanese'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    const [patch] = backend.adminRequests('PATCH');
    expect(patch.body).toEqual({ translations: { de: { name: 'Schreibtischleuchte' }, ja: null } });
    expect(patch.headers['if-match']).toBe('"v3"');
    // The form now shows the saved product: Japanese is gone.
    expect(section.getByLabelText<HTMLInputElement>('Name in Japanese').value).toBe('');
    expect(section.getByLabelText<HTMLInputElement>('Name in German').value).toBe('Schreibtischleuchte');
  });

  it('when a translation has a description but no name, then nothing is sent and the name field says why', async () => {
    const backend = new FakeBackend().on('GET', adminPath, { status: 200, body: adminProduct(), headers: { etag: '"v3"' } });
    openEditPage(backend, 'de');
    const section = within(await screen.findByRole('group', { name: 'Übersetzungen' }));
    fireEvent.change(section.getByLabelText('Beschreibung (Japanisch)'), { target: { value: '説明' } });
    fireEvent.click(screen.getByRole('button', { name: 'Änderungen speichern' }));
    expect(await section.findByText('Geben Sie auch den Namen in dieser Sprache ein oder leeren Sie die Beschreibung.')).toBeTruthy();
    expect(section.getByLabelText('Name (Japanisch)').getAttribute('aria-invalid')).toBe('true');
    expect(backend.adminRequests('PATCH')).toHaveLength(0);
  });

  it('when the catalog refuses a translation, then its message shows in the section', async () => {
    const backend = new FakeBackend()
      .on('GET', adminPath, { status: 200, body: adminProduct(), headers: { etag: '"v3"' } })
      .on('PATCH', patchPath, { status: 400, body: { status: 400, title: 'Bad request', errors: [{ field: 'body.translations', message: 'must hold at most 20 languages' }] } });
    openEditPage(backend);
    fireEvent.change(await screen.findByLabelText('Name in German'), { target: { value: 'Lampe' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    const section = within(screen.getByRole('group', { name: 'Translations' }));
    expect(await section.findByText('Translations must hold at most 20 languages.')).toBeTruthy();
  });

  it('when a product is created with translations, then the create body carries them', async () => {
    const backend = new FakeBackend().on('POST', '/api/catalog/products', { status: 400, body: { status: 400, title: 'Bad request' } });
    renderWithApp(
      <Routes>
        <Route path="/admin/products/new" element={<ProductCreatePage />} />
      </Routes>,
      { path: '/admin/products/new', backend, locale: 'ja' },
    );
    const section = within(await screen.findByRole('group', { name: '翻訳' }));
    fireEvent.change(section.getByLabelText('名前（ドイツ語）'), { target: { value: 'Lampe' } });
    fireEvent.change(section.getByLabelText('説明（ドイツ語）'), { target: { value: 'Eine Lampe.' } });
    fireEvent.change(screen.getByLabelText('SKU'), { target: { value: 'LAMP-9' } });
    fireEvent.change(screen.getByLabelText('名前'), { target: { value: 'Lamp' } });
    fireEvent.change(screen.getByLabelText('価格'), { target: { value: '19.90' } });
    fireEvent.click(screen.getByRole('button', { name: '商品を作成' }));
    await waitFor(() => expect(backend.adminRequests('POST')).toHaveLength(1));
    expect(backend.adminRequests('POST')[0].body).toMatchObject({ name: 'Lamp', translations: { de: { name: 'Lampe', description: 'Eine Lampe.' } } });
    expect(backend.adminRequests('POST')[0].body).not.toHaveProperty('translations.ja');
  });
});
