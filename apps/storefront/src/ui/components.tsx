import { useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import type { ImageVariant, ImageVariantFormat, Money, ProductImage as UploadedImage, ShippingAddress } from '@shop/contracts';
import { useI18n } from '../i18n/i18n-context';

export function Price({ money, className }: { money: Money; className?: string }) {
  const { formatPrice } = useI18n();
  return <span className={className ?? 'price'}>{formatPrice(money)}</span>;
}

/** A message in a live region, so screen readers announce it when it appears. */
export function Alert({ tone = 'error', children }: { tone?: 'error' | 'info' | 'success'; children: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/**
 * A live region that is on the page before its message: screen readers announce a message put into a region they
 * already know more reliably than a region that appears with it. Empty, it takes no space.
 */
export function LiveRegion({ tone = 'info', children }: { tone?: 'info' | 'success'; children: ReactNode }) {
  const hasMessage = children !== undefined && children !== null && children !== false && children !== '';
  return (
    <div className={hasMessage ? `alert alert-${tone}` : undefined} role="status" aria-live="polite" aria-atomic="true">
      {hasMessage ? children : null}
    </div>
  );
}

export function Spinner({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p className="spinner" role="status">
      {label ?? t('layout.loading')}
    </p>
  );
}

/** Ids that tie a control to its label, hint and error (`aria-describedby`, `aria-invalid`). */
function useFieldIds(id: string | undefined, error: string | undefined, hint: string | undefined) {
  const generated = useId();
  const controlId = id ?? generated;
  const describedBy = [error ? `${controlId}-error` : '', hint ? `${controlId}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return { controlId, control: { id: controlId, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy } };
}

/** The label above a control, and its hint and error below, as every form field of the app shows them. */
function FieldFrame({ label, controlId, error, hint, children }: { label: string; controlId: string; error?: string; hint?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={controlId}>{label}</label>
      {children}
      {hint && (
        <small id={`${controlId}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${controlId}-error`} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}

type LabelledProps = { label: string; error?: string; hint?: string };

/** A labelled input whose error is tied to it with aria-describedby and aria-invalid. */
export function Field({ label, error, hint, id, ...input }: LabelledProps & InputHTMLAttributes<HTMLInputElement>) {
  const { controlId, control } = useFieldIds(id, error, hint);
  return (
    <FieldFrame label={label} controlId={controlId} error={error} hint={hint}>
      <input {...control} {...input} />
    </FieldFrame>
  );
}

export function SelectField({ label, error, hint, id, children, ...select }: LabelledProps & { children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  const { controlId, control } = useFieldIds(id, error, hint);
  return (
    <FieldFrame label={label} controlId={controlId} error={error} hint={hint}>
      <select {...control} {...select}>
        {children}
      </select>
    </FieldFrame>
  );
}

export function TextAreaField({ label, error, hint, id, ...textarea }: LabelledProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const { controlId, control } = useFieldIds(id, error, hint);
  return (
    <FieldFrame label={label} controlId={controlId} error={error} hint={hint}>
      <textarea {...control} rows={5} {...textarea} />
    </FieldFrame>
  );
}

function hue(text: string): number {
  let hash = 0;
  for (const character of text) hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
  return hash % 360;
}

/** Where a product image is shown: a grid card, the product page's main image, or a thumbnail. */
export type ProductImageSize = 'card' | 'large' | 'thumb';

/** How wide each size is drawn (the `sizes` of its srcset), so the browser picks the narrowest variant that is sharp. */
const imageSizes: Record<ProductImageSize, string> = {
  card: '(min-width: 75rem) 18rem, (min-width: 40rem) 33vw, 50vw',
  large: '(min-width: 48rem) 50vw, 100vw',
  thumb: '64px',
};

/** The `<picture>` sources, best format first; JPEG is the `<img>` itself (types as the contracts' `imageVariantContentTypes`, kept here: a value import from the contracts would put zod on the first page). */
const sourceFormats: readonly Exclude<ImageVariantFormat, 'jpeg'>[] = ['avif', 'webp'];
const formatTypes: Record<ImageVariantFormat, string> = { avif: 'image/avif', webp: 'image/webp', jpeg: 'image/jpeg' };
/** The width the `<img>`'s own `src` names, for browsers without srcset. */
const fallbackWidth = 640;

function variantsOf(image: UploadedImage, format: ImageVariantFormat): ImageVariant[] {
  return image.variants.filter((variant) => variant.format === format).sort((left, right) => left.width - right.width);
}

const srcSetOf = (variants: readonly ImageVariant[]) => variants.map((variant) => `${variant.url} ${variant.width}w`).join(', ');

/** How a product image loads: lazily (the default), or at once and first (the product page's main image). */
export type ImageLoading = 'lazy' | 'priority';

/**
 * A product image: an uploaded one as a `<picture>` of its AVIF, WebP and JPEG variants (320, 640, 1280 px) with its
 * width and height (no layout shift), else the first external URL as a plain image; when there is none or it fails to
 * load, a drawn placeholder with the product's initials keeps the grid in shape.
 */
export function ProductImage({
  src,
  image,
  name,
  size = 'card',
  loading = 'lazy',
}: {
  src: string | null | undefined;
  image?: UploadedImage;
  name: string;
  size?: ProductImageSize;
  loading?: ImageLoading;
}) {
  const [failed, setFailed] = useState(false);
  useEffect(() => setFailed(false), [src, image?.id]);
  const jpeg = image ? variantsOf(image, 'jpeg') : [];
  const fallback = jpeg.find((variant) => variant.width === fallbackWidth) ?? jpeg.filter((variant) => variant.width < fallbackWidth).at(-1) ?? jpeg[0];
  const url = fallback?.url ?? src;
  if (!url || failed) {
    const initials = name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((word) => word[0].toUpperCase())
      .join('');
    return (
      <div className={`product-image product-image-${size} placeholder`} style={{ backgroundColor: `hsl(${hue(name)} 45% 88%)` }} role="img" aria-label={name}>
        <span aria-hidden="true">{initials}</span>
      </div>
    );
  }
  const loadingAttributes = loading === 'priority' ? ({ loading: 'eager', fetchPriority: 'high' } as const) : ({ loading: 'lazy' } as const);
  if (!image || !fallback) {
    return <img className={`product-image product-image-${size}`} src={url} alt={name} decoding="async" {...loadingAttributes} onError={() => setFailed(true)} />;
  }
  return (
    <picture className="product-picture">
      {sourceFormats.map((format) => {
        const variants = variantsOf(image, format);
        return variants.length > 0 && <source key={format} type={formatTypes[format]} srcSet={srcSetOf(variants)} sizes={imageSizes[size]} />;
      })}
      <img
        className={`product-image product-image-${size}`}
        src={fallback.url}
        srcSet={srcSetOf(jpeg)}
        sizes={imageSizes[size]}
        width={image.width}
        height={image.height}
        alt={image.alt || name}
        decoding="async"
        {...loadingAttributes}
        onError={() => setFailed(true)}
      />
    </picture>
  );
}

/** Moves focus to the page's heading when the page changes, so keyboard and screen-reader users start at the top. */
export function PageHeading({ children, lang }: { children: ReactNode; lang?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 tabIndex={-1} ref={ref} lang={lang}>
      {children}
    </h1>
  );
}

/** "Load more" under a list read by cursor; absent on the last page. */
export function LoadMoreButton({ nextCursor, loading, onClick }: { nextCursor: string | null; loading: boolean; onClick: () => void }) {
  const { t } = useI18n();
  if (!nextCursor) return null;
  return (
    <button type="button" className="button secondary load-more" onClick={onClick} disabled={loading}>
      {loading ? t('layout.loading') : t('layout.loadMore')}
    </button>
  );
}

const countryNamesByLocale = new Map<string, Intl.DisplayNames | undefined>();

/** Country names in a language (undefined where the browser has no Intl.DisplayNames). */
function countryNamesIn(locale: string): Intl.DisplayNames | undefined {
  if (!countryNamesByLocale.has(locale)) countryNamesByLocale.set(locale, typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(locale, { type: 'region' }) : undefined);
  return countryNamesByLocale.get(locale);
}

/** A shipping address as it goes on a parcel, the country by name in the active language; the phone only where `showPhone` (staff pages). */
export function PostalAddress({ address, showPhone = false }: { address: ShippingAddress; showPhone?: boolean }) {
  const { locale } = useI18n();
  const country = countryNamesIn(locale)?.of(address.country) ?? address.country;
  const lines = [address.name, address.line1, address.line2, `${address.postalCode} ${address.city}`, country, showPhone ? address.phone : undefined];
  return (
    <address>
      {lines
        .filter((line): line is string => !!line)
        .map((line, index) => (
          <span key={index} className="address-line">
            {line}
          </span>
        ))}
    </address>
  );
}
