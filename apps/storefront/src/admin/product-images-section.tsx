import { useState, type FormEvent } from 'react';
import { ApiError, describeApiError } from '../api/api-error';
import { acceptedImageTypes, ImageUploadLimits, type AdminProductView, type ProductImage } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import type { Translate } from '../i18n/translator';
import { Alert, Field } from '../ui/components';
import './admin-messages';

/** The width of the list's thumbnails: the smallest variant the catalog serves. */
const thumbnailWidth = 320;

/** Why the catalog refused an upload, in the admin's words (413 too large, 415 not an image, 422 and 409 the image's limits). */
export function describeImageUploadError(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return describeApiError(error, t);
  const problem = error.problem as Record<string, unknown>;
  const limit = (name: string) => (typeof problem[name] === 'number' ? problem[name] : undefined);
  switch (error.status) {
    case 413:
      return t('admin.imageTooLarge', { megabytes: ImageUploadLimits.maxBytes / (1024 * 1024) });
    case 415:
      return t('admin.imageNotAnImage');
    case 409:
    case 422: {
      const maxImages = limit('maxImages');
      if (maxImages !== undefined || error.status === 409) return t('admin.imageTooMany', { max: maxImages ?? ImageUploadLimits.maxImagesPerProduct });
      const maxPixels = limit('maxPixels');
      if (maxPixels !== undefined) return t('admin.imageTooManyPixels', { megapixels: Math.floor(maxPixels / 1_000_000) });
      const minSide = limit('minSide');
      if (minSide !== undefined) return t('admin.imageTooSmall', { minSide });
      return t('admin.imageUnreadable');
    }
    default:
      return describeApiError(error, t);
  }
}

function thumbnailOf(image: ProductImage, format: 'webp' | 'jpeg') {
  const variants = image.variants.filter((variant) => variant.format === format).sort((left, right) => left.width - right.width);
  return variants.find((variant) => variant.width === thumbnailWidth) ?? variants[0];
}

/**
 * The product's uploaded images (320 px thumbnails, each with a delete button) and the upload form. After every
 * change the page reads the product again (`onChanged`): its images, its version and its ETag.
 */
export function ProductImagesSection({ product, onChanged }: { product: AdminProductView; onChanged: () => Promise<void> }) {
  const { admin } = useApp();
  const { t } = useI18n();
  const [file, setFile] = useState<File>();
  const [alt, setAlt] = useState('');
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  // A new key empties the file input after an upload (a file input cannot be set from script).
  const [formKey, setFormKey] = useState(0);
  const images = product.images ?? [];

  const run = async (task: () => Promise<void>, done: string, describe: (caught: unknown) => string) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await task();
      setNotice(done);
      await onChanged();
    } catch (caught) {
      setError(describe(caught));
    } finally {
      setBusy(false);
    }
  };

  const upload = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file) {
      setError(t('admin.chooseImageFile'));
      return;
    }
    void run(
      async () => {
        await admin.uploadProductImage(product.id, file, alt.trim() || undefined);
        setFile(undefined);
        setAlt('');
        setFormKey((key) => key + 1);
      },
      t('admin.imageUploaded'),
      (caught) => describeImageUploadError(caught, t),
    );
  };

  const remove = (image: ProductImage) =>
    void run(
      () => admin.deleteProductImage(product.id, image.id),
      t('admin.imageDeleted'),
      (caught) => describeApiError(caught, t),
    );

  return (
    <section className="admin-form" aria-labelledby="images-heading">
      <h2 id="images-heading">{t('admin.images')}</h2>
      <div aria-live="polite">{notice && <Alert tone="success">{notice}</Alert>}</div>
      {error && <Alert>{error}</Alert>}
      {images.length === 0 ? (
        <p className="muted">{t('admin.noImages')}</p>
      ) : (
        <ul className="admin-images">
          {images.map((image, index) => {
            const webp = thumbnailOf(image, 'webp');
            const jpeg = thumbnailOf(image, 'jpeg');
            return (
              <li key={image.id}>
                <picture>
                  {webp && <source type="image/webp" srcSet={webp.url} />}
                  <img src={jpeg?.url ?? webp?.url} width={jpeg?.width ?? image.width} height={jpeg?.height ?? image.height} alt={image.alt} loading="lazy" decoding="async" />
                </picture>
                <button type="button" className="button danger" disabled={busy} onClick={() => remove(image)} aria-label={t('admin.deleteImageLabel', { number: index + 1 })}>
                  {t('admin.deleteImage')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form key={formKey} className="admin-inline-form" onSubmit={upload} noValidate>
        <Field label={t('admin.imageFile')} type="file" accept={acceptedImageTypes.join(',')} hint={t('admin.imageFileHint', { megabytes: ImageUploadLimits.maxBytes / (1024 * 1024) })} onChange={(event) => setFile(event.target.files?.[0])} />
        <Field label={t('admin.imageAlt')} value={alt} maxLength={300} onChange={(event) => setAlt(event.target.value)} />
        <button type="submit" className="button" disabled={busy}>
          {busy ? t('admin.uploading') : t('admin.uploadImage')}
        </button>
      </form>
    </section>
  );
}
