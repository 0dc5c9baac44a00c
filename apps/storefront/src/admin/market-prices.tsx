import { useEffect, useState } from 'react';
import type { Market, Money } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { moneyInputValue } from '../lib/money';
import type { FieldErrors } from '../lib/validation';
import { Field } from '../ui/components';
import { marketPriceField, type MarketPriceInputs } from './product-form';
import './admin-messages';

/** The shop's markets for the price forms; an empty list when they cannot be read (the forms then offer base prices only). */
export function useMarkets(): Market[] {
  const { admin } = useApp();
  const [markets, setMarkets] = useState<Market[]>([]);
  useEffect(() => {
    let current = true;
    admin.markets().then(
      (items) => current && setMarkets(items),
      () => current && setMarkets([]),
    );
    return () => {
      current = false;
    };
  }, [admin]);
  return markets;
}

export interface MarketPricesFieldsetProps {
  /** The currencies to offer (the markets' currencies other than the base price's). */
  currencies: readonly string[];
  values: MarketPriceInputs;
  errors: FieldErrors;
  /** The prices the rate table derives now, shown where no explicit price is set (none yet for a new product). */
  derived?: readonly Money[];
  onChange: (currency: string, value: string) => void;
}

/** "Prices per market": an optional explicit price per currency, in its major units; empty means derived by the rate table. */
export function MarketPricesFieldset({ currencies, values, errors, derived = [], onChange }: MarketPricesFieldsetProps) {
  const { t, formatPrice } = useI18n();
  if (currencies.length === 0) return null;
  return (
    <fieldset className="admin-market-prices">
      <legend>{t('admin.marketPrices')}</legend>
      <p className="muted small">{t('admin.marketPricesExplained')}</p>
      {errors.marketPrices && <p className="field-error">{errors.marketPrices}</p>}
      <div className="admin-form-grid">
        {currencies.map((currency) => {
          const derivedPrice = derived.find((price) => price.currency === currency);
          return (
            <Field
              key={currency}
              label={t('admin.priceInCurrency', { currency })}
              inputMode="decimal"
              autoComplete="off"
              value={values[currency] ?? ''}
              placeholder={derivedPrice ? moneyInputValue(derivedPrice) : undefined}
              hint={derivedPrice ? t('admin.derivedPrice', { price: formatPrice(derivedPrice) }) : t('admin.derivedWhenEmpty')}
              error={errors[marketPriceField(currency)]}
              onChange={(event) => onChange(currency, event.target.value)}
            />
          );
        })}
      </div>
    </fieldset>
  );
}
