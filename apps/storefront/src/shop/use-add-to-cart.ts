import { useState } from 'react';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { describeCartError } from './cart-errors';

/** Adds a product to the cart and updates the header's count; reports the outcome for a live region. */
export function useAddToCart() {
  const { shop, setCart } = useApp();
  const { t } = useI18n();
  const [adding, setAdding] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string }>();
  const add = async (productId: string, quantity: number, name: string) => {
    setAdding(true);
    setResult(undefined);
    try {
      setCart(await shop.addToCart(productId, quantity));
      setResult({ ok: true, message: t('shop.addedToCart', { quantity, name }) });
    } catch (error) {
      setResult({ ok: false, message: describeCartError(error, t) });
    } finally {
      setAdding(false);
    }
  };
  return { add, adding, result };
}
