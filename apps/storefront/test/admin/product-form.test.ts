import { ApiError } from '../../src/api/api-error';
import {
  editFormFromProduct,
  emptyNewProductForm,
  fieldErrorsFromProblem,
  newProductInputFromForm,
  parseStockInput,
  productPatchFromForm,
  rebaseEditForm,
} from '../../src/admin/product-form';
import { adminProduct } from './fixtures';

const product = adminProduct;

describe('productPatchFromForm', () => {
  it('when nothing changed, then the patch is empty', () => {
    const current = product();
    expect(productPatchFromForm(editFormFromProduct(current), current)).toEqual({ patch: {}, errors: {} });
  });

  it('when some fields changed, then the patch holds only those, trimmed, with the price in minor units of the product’s currency', () => {
    const current = product();
    const form = { ...editFormFromProduct(current), name: '  Desk lamp XL ', price: '54,5' };
    expect(productPatchFromForm(form, current)).toEqual({ patch: { name: 'Desk lamp XL', price: { amount: 5450, currency: 'EUR' } }, errors: {} });
  });

  it('when only whitespace or the price’s spelling changed, then nothing is sent', () => {
    const current = product();
    expect(productPatchFromForm({ ...editFormFromProduct(current), name: 'Desk lamp ', price: ' 49,99' }, current)).toEqual({ patch: {}, errors: {} });
    expect(productPatchFromForm({ ...editFormFromProduct(current), price: '49.9' }, current).patch).toEqual({ price: { amount: 4990, currency: 'EUR' } });
  });

  it('when the brand is emptied, then the patch clears it with null; status changes are sent as they are', () => {
    const current = product();
    expect(productPatchFromForm({ ...editFormFromProduct(current), brand: '  ', status: 'draft' }, current).patch).toEqual({ brand: null, status: 'draft' });
    const unbranded = product({ brand: null });
    expect(productPatchFromForm(editFormFromProduct(unbranded), unbranded).patch).toEqual({});
  });

  it('when the price cannot be read, then there is a price error and the price is not in the patch', () => {
    const current = product();
    for (const price of ['12.999', '-1', 'abc', '1e3', '']) {
      const { patch, errors } = productPatchFromForm({ ...editFormFromProduct(current), price }, current);
      expect(errors.price).toBeDefined();
      expect(patch.price).toBeUndefined();
    }
    expect(productPatchFromForm({ ...editFormFromProduct(current), price: '12.999' }, current).errors.price).toBe('Enter an amount like 12.99, with at most 2 decimal places.');
    expect(productPatchFromForm({ ...editFormFromProduct(current), price: '100000000' }, current).errors.price).toBe('The price is too high.');
  });

  it('when the product is priced in a currency without minor units, then the price is read in whole units', () => {
    const yen = product({ price: { amount: 1500, currency: 'JPY' } });
    expect(editFormFromProduct(yen).price).toBe('1500');
    expect(productPatchFromForm({ ...editFormFromProduct(yen), price: '1600' }, yen).patch).toEqual({ price: { amount: 1600, currency: 'JPY' } });
    expect(productPatchFromForm({ ...editFormFromProduct(yen), price: '16.5' }, yen).errors.price).toBe('Enter an amount like 1299, with at most 0 decimal places.');
  });

  it('when the name is blank or a field is too long, then those fields have errors', () => {
    const current = product();
    const { errors } = productPatchFromForm({ ...editFormFromProduct(current), name: ' ', brand: 'x'.repeat(101) }, current);
    expect(errors).toEqual({ name: 'Enter the name.', brand: 'Use at most 100 characters.' });
  });
});

describe('rebaseEditForm', () => {
  it('when this page’s own write changed the product, then untouched fields follow it and edited ones keep the edit', () => {
    const before = product();
    const after = product({ status: 'archived', version: 4, brand: 'Lumo Lighting' });
    const form = { ...editFormFromProduct(before), name: 'My new name' };
    expect(rebaseEditForm(form, before, after)).toEqual({ ...editFormFromProduct(after), name: 'My new name' });
  });
});

describe('newProductInputFromForm', () => {
  it('when the form is complete, then the input is trimmed, the price in minor units and empty optionals null', () => {
    const { input, errors } = newProductInputFromForm({ ...emptyNewProductForm, sku: ' LAMP-2 ', name: 'Lamp', price: '19.9', currency: 'GBP', status: 'active' });
    expect(errors).toEqual({});
    expect(input).toEqual({ sku: 'LAMP-2', name: 'Lamp', description: '', brand: null, category: null, price: { amount: 1990, currency: 'GBP' }, status: 'active' });
  });

  it('when fields are missing or malformed, then each has its message and there is no input', () => {
    const { input, errors } = newProductInputFromForm({ ...emptyNewProductForm, sku: '-bad sku', category: 'Desk Lamps', price: '1.234' });
    expect(input).toBeUndefined();
    expect(Object.keys(errors).sort()).toEqual(['category', 'name', 'price', 'sku']);
    expect(newProductInputFromForm({ ...emptyNewProductForm, sku: '0b7e6c1e-5a8d-4c43-9d0c-2f7a7c1b9e11', name: 'x', price: '1' }).errors).toEqual({ sku: 'A SKU must not look like a product id.' });
    expect(newProductInputFromForm({ ...emptyNewProductForm, sku: 'A', name: 'x', price: '1', currency: 'XYZ' }).errors).toEqual({ currency: 'Choose a currency.' });
  });
});

describe('parseStockInput', () => {
  it('when the stock is a whole number at or above the reserved units, then it is accepted; otherwise it says why', () => {
    expect(parseStockInput(' 12 ', 2)).toEqual({ onHand: 12 });
    expect(parseStockInput('2', 2)).toEqual({ onHand: 2 });
    expect(parseStockInput('1', 2)).toEqual({ error: 'Orders hold 2 units; stock on hand cannot go below that.' });
    expect(parseStockInput('1.5', 0).error).toBe('Enter a whole number of units.');
    expect(parseStockInput('-1', 0).error).toBe('Enter a whole number of units.');
    expect(parseStockInput('2000000000', 0).error).toBe('Enter at most 1,000,000,000 units.');
  });
});

describe('fieldErrorsFromProblem', () => {
  it('when the catalog names fields, then they map to the form’s fields, worded with the label', () => {
    const error = new ApiError(409, {
      status: 409,
      detail: 'A product with SKU X already exists',
      errors: [
        { field: 'body.sku', message: 'is already used' },
        { field: 'body.price.amount', message: 'must not be negative' },
        { field: 'body.price.currency', message: 'another message for the same field' },
        { field: 'body.imageUrls.0', message: 'must be an absolute http(s) URL' },
        { field: 'name', message: 'Invalid input.' },
      ],
    });
    expect(fieldErrorsFromProblem(error)).toEqual({ sku: 'SKU is already used.', price: 'Price must not be negative.', name: 'Name: Invalid input.' });
  });

  it('when the error is not an API error or names no fields, then there are none', () => {
    expect(fieldErrorsFromProblem(new Error('boom'))).toEqual({});
    expect(fieldErrorsFromProblem(new ApiError(412, { status: 412, currentVersion: 4 }))).toEqual({});
  });
});
