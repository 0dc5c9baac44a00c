import { registerMessages } from '../i18n/catalogues';
import de from '../i18n/locales/de/account.json';
import en from '../i18n/locales/en/account.json';
import ja from '../i18n/locales/ja/account.json';

// Imported for its effect by every module that says `account.*`: the account pages are chunks of their own, and their
// messages travel with them instead of with the first page.
registerMessages('account', { en, de, ja });
