import type { Request } from 'express';
import type { Market } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { languagesOf, resolveProductLanguage, type LanguageSelection, type ProductLanguages } from '../domain/product-language';

/**
 * The language of this request's product texts and what chose it (`?lang=`, `Accept-Language`, the market's, the
 * base); a `?lang=` the catalog has no texts in, or one given twice, is a 400 naming the field.
 */
export function requestLanguageChoice(req: Request, languages: ProductLanguages, market: Market): { language: string; selectedBy: LanguageSelection } {
  const query = req.query.lang;
  if (query !== undefined && typeof query !== 'string') throw new AppError('invalid', 'Invalid query: lang must be given once', { fields: [{ field: 'query.lang', message: 'must be given once' }] });
  const resolution = resolveProductLanguage({ query, acceptLanguage: req.get('accept-language') ?? undefined, marketLocale: market.defaultLocale }, languages);
  if (resolution.kind === 'unknown_language') {
    const known = languagesOf(languages).join(', ');
    throw new AppError('invalid', `The catalog has no texts in ${JSON.stringify(resolution.requested)}; languages: ${known}`, { fields: [{ field: 'query.lang', message: `must be one of ${known}` }] });
  }
  return { language: resolution.language, selectedBy: resolution.selectedBy };
}
