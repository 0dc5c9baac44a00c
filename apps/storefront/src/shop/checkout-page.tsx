import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { describeApiError } from '../api/api-error';
import { SimulatedPaymentTokens, type ShippingAddress } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { newIdempotencyKey } from '../lib/idempotency';
import { useI18n } from '../i18n/i18n-context';
import type { FieldErrors } from '../lib/validation';
import { normalizeShippingAddress, shippingCountries, validateShippingAddress } from './shipping-address-form';
import { Alert, Field, PageHeading, SelectField, Spinner } from '../ui/components';
import { CartTotals, cartLineName } from './cart-view';
import { describeCheckoutFailure } from './checkout-errors';

/** The simulated payment methods, offered plainly: this shop takes no real payments. */
export const paymentChoices = [
  { token: SimulatedPaymentTokens.approve, labelKey: 'shop.cardApproved' },
  { token: SimulatedPaymentTokens.decline, labelKey: 'shop.cardDeclined' },
] as const;

const emptyAddress: ShippingAddress = { name: '', line1: '', line2: '', city: '', postalCode: '', country: '', phone: '' };

export function CheckoutPage() {
  const { shop, cart, setCart, user } = useApp();
  const { t, locale, formatPrice } = useI18n();
  // Country names in the shopper's language, sorted by its collation.
  const countryNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(locale, { type: 'region' }) : undefined;
  const navigate = useNavigate();
  const [address, setAddress] = useState<ShippingAddress>({ ...emptyAddress, name: user?.name ?? '' });
  const [paymentToken, setPaymentToken] = useState<string>(paymentChoices[0].token);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string>();
  const [placing, setPlacing] = useState(false);
  const [loadError, setLoadError] = useState<string>();
  // One key per attempt: every submit of this attempt (a double click, a retry after a lost answer) sends it.
  const attemptKey = useRef(newIdempotencyKey());
  const submitting = useRef(false);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    shop.cart().then(setCart, (caught: unknown) => setLoadError(describeApiError(caught, t)));
  }, [shop, setCart]);

  const edit = (field: keyof ShippingAddress, value: string) => {
    setAddress((current) => ({ ...current, [field]: value }));
    // A different address is a different order: a new attempt.
    attemptKey.current = newIdempotencyKey();
    if (errors[field]) setErrors(({ [field]: _fixed, ...rest }) => rest);
  };

  const placeOrder = async (event: FormEvent) => {
    event.preventDefault();
    if (submitting.current) return;
    const found = validateShippingAddress(address, t);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setFailure(t('shop.correctFields'));
      // Focus the first field that needs attention, in the order the form shows them (the error marks are not
      // rendered yet at this point, so the field is found by its name).
      const firstInvalid = Array.from(formRef.current?.elements ?? []).find((element) => (element as HTMLInputElement).name in found);
      (firstInvalid as HTMLElement | undefined)?.focus();
      return;
    }
    submitting.current = true;
    setPlacing(true);
    setFailure(undefined);
    try {
      const { data } = await shop.placeOrder({ shippingAddress: normalizeShippingAddress(address), paymentToken }, attemptKey.current);
      const orderId = 'orderId' in data ? data.orderId : data.id;
      void navigate(`/orders/${orderId}/confirmation`);
    } catch (caught) {
      const outcome = describeCheckoutFailure(caught, cart, t);
      if (outcome.attemptSettled) attemptKey.current = newIdempotencyKey();
      setFailure(outcome.message);
      // Stock or prices may have moved: show the cart as it is now.
      shop.cart().then(setCart, () => undefined);
    } finally {
      submitting.current = false;
      setPlacing(false);
    }
  };

  if (loadError) return <Alert>{loadError}</Alert>;
  if (!cart) return <Spinner label={t('shop.loadingCart')} />;
  if (cart.lines.length === 0) {
    return (
      <section>
        <PageHeading>{t('shop.checkout')}</PageHeading>
        <p className="empty">
          {t('shop.cartEmpty')} <Link to="/">{t('shop.browseCatalog')}</Link>
        </p>
      </section>
    );
  }

  return (
    <section className="checkout-page">
      <PageHeading>{t('shop.checkout')}</PageHeading>
      <div className="checkout-layout">
        <form ref={formRef} onSubmit={(event) => void placeOrder(event)} noValidate aria-describedby={failure ? 'checkout-failure' : undefined}>
          <fieldset>
            <legend>{t('shop.shippingAddress')}</legend>
            <Field label={t('shop.fullName')} name="name" autoComplete="name" value={address.name} error={errors.name} onChange={(e) => edit('name', e.target.value)} required />
            <Field label={t('shop.street')} name="line1" autoComplete="address-line1" value={address.line1} error={errors.line1} onChange={(e) => edit('line1', e.target.value)} required />
            <Field label={t('shop.line2')} name="line2" autoComplete="address-line2" value={address.line2 ?? ''} error={errors.line2} onChange={(e) => edit('line2', e.target.value)} />
            <div className="field-row">
              <Field label={t('shop.postalCode')} name="postalCode" autoComplete="postal-code" value={address.postalCode} error={errors.postalCode} onChange={(e) => edit('postalCode', e.target.value)} required />
              <Field label={t('shop.city')} name="city" autoComplete="address-level2" value={address.city} error={errors.city} onChange={(e) => edit('city', e.target.value)} required />
            </div>
            <SelectField label={t('shop.country')} name="country" autoComplete="country" value={address.country} error={errors.country} onChange={(e) => edit('country', e.target.value)} required>
              <option value="">{t('shop.chooseCountry')}</option>
              {shippingCountries
                .map((code) => ({ code, name: countryNames?.of(code) ?? code }))
                .sort((a, b) => a.name.localeCompare(b.name, locale))
                .map(({ code, name }) => (
                  <option key={code} value={code}>
                    {name}
                  </option>
                ))}
            </SelectField>
            <Field label={t('shop.phone')} name="phone" type="tel" autoComplete="tel" value={address.phone ?? ''} error={errors.phone} onChange={(e) => edit('phone', e.target.value)} />
          </fieldset>
          <fieldset>
            <legend>{t('shop.payment')}</legend>
            <p className="muted small">{t('shop.paymentsSimulated')}</p>
            {paymentChoices.map((choice) => (
              <div className="field checkbox" key={choice.token}>
                <input
                  type="radio"
                  id={choice.token}
                  name="paymentToken"
                  value={choice.token}
                  checked={paymentToken === choice.token}
                  onChange={() => {
                    setPaymentToken(choice.token);
                    attemptKey.current = newIdempotencyKey();
                  }}
                />
                <label htmlFor={choice.token}>{t(choice.labelKey)}</label>
              </div>
            ))}
          </fieldset>
          {failure && (
            <div id="checkout-failure">
              <Alert>{failure}</Alert>
            </div>
          )}
          <button type="submit" className="button primary large" disabled={placing || cart.hasAvailabilityIssues}>
            {placing ? t('shop.placingOrder') : t('shop.placeOrder', { total: cart.subtotal.currency ? formatPrice({ amount: cart.subtotal.amount, currency: cart.subtotal.currency }) : '' })}
          </button>
          {cart.hasAvailabilityIssues && (
            <p className="flag flag-warning">
              {t('shop.itemsUnavailable')} <Link to="/cart">{t('shop.reviewCart')}</Link>
            </p>
          )}
        </form>
        <aside className="checkout-summary" aria-label={t('shop.yourOrder')}>
          <h2>{t('shop.yourOrder')}</h2>
          <ul className="summary-lines">
            {cart.lines.map((line) => (
              <li key={line.productId}>
                <span>
                  {t('shop.lineSummary', { quantity: line.quantity, name: cartLineName(line, t) })}
                </span>
                <span>{line.lineTotal ? formatPrice(line.lineTotal) : '—'}</span>
              </li>
            ))}
          </ul>
          <CartTotals cart={cart} />
          <p className="small">
            <Link to="/cart">{t('shop.editCart')}</Link>
          </p>
        </aside>
      </div>
    </section>
  );
}
