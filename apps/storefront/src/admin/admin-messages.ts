import { registerMessages } from '../i18n/catalogues';
import de from '../i18n/locales/de/admin.json';
import en from '../i18n/locales/en/admin.json';
import ja from '../i18n/locales/ja/admin.json';

// Imported for its effect by every back-office module that says `admin.*`: the back office is a chunk of its own, and
// its messages travel with it instead of with the first page.
registerMessages('admin', { en, de, ja });
