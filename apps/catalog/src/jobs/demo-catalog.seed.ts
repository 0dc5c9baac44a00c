import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { randomSequence } from '@shop/kernel';
import type { BulkUpsertReport, SyncBatch } from '@shop/contracts';
import type { CatalogSyncService } from '../domain/catalog-sync.service';
import { IMAGE_SNIFF_BYTES } from '../domain/product-image';
import type { ProductImageService } from '../domain/product-image.service';

/** The sync source the demo products are filed under. */
export const DEMO_SOURCE = 'demo';

/** Products the demo catalog has. */
export const DEMO_PRODUCT_COUNT = 300;

/**
 * One currency for the whole demo catalog: price sorting and the minPrice/maxPrice filters compare amounts,
 * which only means something within one currency. A multi-currency shop would add price lists per market,
 * not mix currencies in one list.
 */
export const DEMO_CURRENCY = 'EUR';

interface LeafCategory {
  path: [string, string, string];
  /** Background of its demo image: a gradient from this colour to a darker one. */
  colour: string;
  nouns: string[];
  /** Price range in cents. */
  price: [number, number];
}

const leaves: LeafCategory[] = [
  { path: ['Electronics', 'Audio', 'Headphones'], colour: '#2563eb', nouns: ['Headphones', 'Earbuds', 'Headset'], price: [1999, 39999] },
  { path: ['Electronics', 'Audio', 'Speakers'], colour: '#7c3aed', nouns: ['Speaker', 'Soundbar', 'Boombox'], price: [2999, 59999] },
  { path: ['Electronics', 'Computers', 'Laptops'], colour: '#0f766e', nouns: ['Laptop', 'Notebook', 'Ultrabook'], price: [39999, 249999] },
  { path: ['Electronics', 'Computers', 'Accessories'], colour: '#475569', nouns: ['Keyboard', 'Mouse', 'USB-C Hub', 'Monitor Stand'], price: [999, 14999] },
  { path: ['Electronics', 'Cameras', 'Action Cameras'], colour: '#ea580c', nouns: ['Action Camera', 'Dash Cam'], price: [4999, 49999] },
  { path: ['Home & Kitchen', 'Kitchen', 'Cookware'], colour: '#b91c1c', nouns: ['Frying Pan', 'Saucepan', 'Dutch Oven', 'Wok'], price: [1499, 24999] },
  { path: ['Home & Kitchen', 'Kitchen', 'Coffee'], colour: '#92400e', nouns: ['Espresso Machine', 'Coffee Grinder', 'French Press', 'Kettle'], price: [1999, 89999] },
  { path: ['Home & Kitchen', 'Furniture', 'Lighting'], colour: '#ca8a04', nouns: ['Desk Lamp', 'Floor Lamp', 'Pendant Light'], price: [1999, 29999] },
  { path: ['Home & Kitchen', 'Furniture', 'Chairs'], colour: '#9d174d', nouns: ['Office Chair', 'Armchair', 'Stool'], price: [4999, 79999] },
  { path: ['Sports & Outdoors', 'Camping', 'Tents'], colour: '#15803d', nouns: ['Tent', 'Shelter', 'Tarp'], price: [2999, 69999] },
  { path: ['Sports & Outdoors', 'Camping', 'Sleeping Bags'], colour: '#1d4ed8', nouns: ['Sleeping Bag', 'Sleeping Pad'], price: [2499, 39999] },
  { path: ['Sports & Outdoors', 'Fitness', 'Yoga'], colour: '#0e7490', nouns: ['Yoga Mat', 'Yoga Block', 'Resistance Band'], price: [799, 12999] },
  { path: ['Sports & Outdoors', 'Cycling', 'Bike Accessories'], colour: '#4d7c0f', nouns: ['Bike Light', 'Helmet', 'Bike Lock', 'Pump'], price: [999, 19999] },
  { path: ['Fashion', 'Shoes', 'Running Shoes'], colour: '#c2410c', nouns: ['Running Shoes', 'Trail Shoes', 'Racing Flats'], price: [4999, 24999] },
  { path: ['Fashion', 'Bags', 'Backpacks'], colour: '#6d28d9', nouns: ['Backpack', 'Daypack', 'Laptop Bag'], price: [2999, 19999] },
];

const brandsByDepartment: Record<string, string[]> = {
  Electronics: ['Sonora', 'Voltix', 'Pixelwave', 'Nordlicht'],
  'Home & Kitchen': ['Casa Verde', 'Ironleaf', 'Brewhaus', 'Lumen & Co'],
  'Sports & Outdoors': ['Trailborn', 'Peakline', 'Velocita', 'Summit Fox'],
  Fashion: ['Stridewell', 'Urban Nomad', 'Kestrel', 'Fjellwear'],
};

const adjectives = ['Wireless', 'Compact', 'Pro', 'Ultralight', 'Classic', 'Eco', 'Smart', 'Foldable', 'Premium', 'Everyday', 'Rugged', 'Silent'];
const colours = ['black', 'white', 'graphite', 'forest green', 'navy', 'sand', 'red'];
const materials = ['recycled aluminium', 'stainless steel', 'organic cotton', 'ripstop nylon', 'bamboo', 'ceramic'];

/** The demo's words in German and Japanese, so the demo products carry translations (and search works in them). */
const demoWords: Record<'de' | 'ja', Record<string, string>> = {
  de: {
    Headphones: 'Kopfhörer', Earbuds: 'Ohrhörer', Headset: 'Headset', Speaker: 'Lautsprecher', Soundbar: 'Soundbar', Boombox: 'Boombox',
    Laptop: 'Laptop', Notebook: 'Notebook', Ultrabook: 'Ultrabook', Keyboard: 'Tastatur', Mouse: 'Maus', 'USB-C Hub': 'USB-C-Hub',
    'Monitor Stand': 'Monitorständer', 'Action Camera': 'Actionkamera', 'Dash Cam': 'Dashcam', 'Frying Pan': 'Bratpfanne', Saucepan: 'Kochtopf',
    'Dutch Oven': 'Schmortopf', Wok: 'Wok', 'Espresso Machine': 'Espressomaschine', 'Coffee Grinder': 'Kaffeemühle', 'French Press': 'Kaffeebereiter',
    Kettle: 'Wasserkocher', 'Desk Lamp': 'Schreibtischlampe', 'Floor Lamp': 'Stehlampe', 'Pendant Light': 'Pendelleuchte', 'Office Chair': 'Bürostuhl',
    Armchair: 'Sessel', Stool: 'Hocker', Tent: 'Zelt', Shelter: 'Unterstand', Tarp: 'Tarp', 'Sleeping Bag': 'Schlafsack', 'Sleeping Pad': 'Isomatte',
    'Yoga Mat': 'Yogamatte', 'Yoga Block': 'Yogablock', 'Resistance Band': 'Fitnessband', 'Bike Light': 'Fahrradlicht', Helmet: 'Helm',
    'Bike Lock': 'Fahrradschloss', Pump: 'Luftpumpe', 'Running Shoes': 'Laufschuhe', 'Trail Shoes': 'Trailschuhe', 'Racing Flats': 'Wettkampfschuhe',
    Backpack: 'Rucksack', Daypack: 'Tagesrucksack', 'Laptop Bag': 'Laptoptasche',
    Wireless: 'Kabellos', Compact: 'Kompakt', Pro: 'Pro', Ultralight: 'Ultraleicht', Classic: 'Klassik', Eco: 'Öko', Smart: 'Smart', Foldable: 'Faltbar',
    Premium: 'Premium', Everyday: 'Alltag', Rugged: 'Robust', Silent: 'Leise',
    black: 'Schwarz', white: 'Weiß', graphite: 'Graphit', 'forest green': 'Waldgrün', navy: 'Marineblau', sand: 'Sand', red: 'Rot',
    'recycled aluminium': 'recyceltem Aluminium', 'stainless steel': 'Edelstahl', 'organic cotton': 'Bio-Baumwolle', 'ripstop nylon': 'Ripstop-Nylon',
    bamboo: 'Bambus', ceramic: 'Keramik',
  },
  ja: {
    Headphones: 'ヘッドホン', Earbuds: 'イヤホン', Headset: 'ヘッドセット', Speaker: 'スピーカー', Soundbar: 'サウンドバー', Boombox: 'ラジカセ',
    Laptop: 'ノートパソコン', Notebook: 'ノートブック', Ultrabook: 'ウルトラブック', Keyboard: 'キーボード', Mouse: 'マウス', 'USB-C Hub': 'USB-Cハブ',
    'Monitor Stand': 'モニタースタンド', 'Action Camera': 'アクションカメラ', 'Dash Cam': 'ドライブレコーダー', 'Frying Pan': 'フライパン', Saucepan: '片手鍋',
    'Dutch Oven': 'ダッチオーブン', Wok: '中華鍋', 'Espresso Machine': 'エスプレッソマシン', 'Coffee Grinder': 'コーヒーミル', 'French Press': 'フレンチプレス',
    Kettle: 'ケトル', 'Desk Lamp': 'デスクライト', 'Floor Lamp': 'フロアランプ', 'Pendant Light': 'ペンダントライト', 'Office Chair': 'オフィスチェア',
    Armchair: 'アームチェア', Stool: 'スツール', Tent: 'テント', Shelter: 'シェルター', Tarp: 'タープ', 'Sleeping Bag': '寝袋', 'Sleeping Pad': 'スリーピングマット',
    'Yoga Mat': 'ヨガマット', 'Yoga Block': 'ヨガブロック', 'Resistance Band': 'トレーニングバンド', 'Bike Light': '自転車ライト', Helmet: 'ヘルメット',
    'Bike Lock': '自転車ロック', Pump: '空気入れ', 'Running Shoes': 'ランニングシューズ', 'Trail Shoes': 'トレイルシューズ', 'Racing Flats': 'レーシングシューズ',
    Backpack: 'バックパック', Daypack: 'デイパック', 'Laptop Bag': 'ノートPCバッグ',
    Wireless: 'ワイヤレス', Compact: 'コンパクト', Pro: 'プロ', Ultralight: '超軽量', Classic: 'クラシック', Eco: 'エコ', Smart: 'スマート', Foldable: '折りたたみ',
    Premium: 'プレミアム', Everyday: 'デイリー', Rugged: 'タフ', Silent: '静音',
    black: 'ブラック', white: 'ホワイト', graphite: 'グラファイト', 'forest green': 'フォレストグリーン', navy: 'ネイビー', sand: 'サンド', red: 'レッド',
    'recycled aluminium': 'リサイクルアルミ', 'stainless steel': 'ステンレス', 'organic cotton': 'オーガニックコットン', 'ripstop nylon': 'リップストップナイロン',
    bamboo: '竹', ceramic: 'セラミック',
  },
};

/** A demo product's name and description in German and Japanese (words of `demoWords`; names of brands stay). */
function demoTranslations(parts: { brand: string; adjective: string; noun: string; colour: string; material: string; serial: string }) {
  const de = (word: string) => demoWords.de[word] ?? word;
  const ja = (word: string) => demoWords.ja[word] ?? word;
  return {
    de: {
      name: `${parts.brand} ${de(parts.adjective)} ${de(parts.noun)} ${parts.serial}`,
      description: `${de(parts.noun)} von ${parts.brand}, ${de(parts.adjective).toLowerCase()}, in ${de(parts.colour)}, aus ${de(parts.material)}.`,
    },
    ja: {
      name: `${parts.brand} ${ja(parts.adjective)} ${ja(parts.noun)} ${parts.serial}`,
      description: `${parts.brand}の${ja(parts.adjective)}${ja(parts.noun)}。カラーは${ja(parts.colour)}、素材は${ja(parts.material)}。`,
    },
  };
}

/**
 * The demo catalog as one sync batch: a few hundred products over a three-level category tree, 16 brands,
 * prices in EUR, names and descriptions in English with German and Japanese translations, stock levels from sold
 * out to plenty, and a few drafts and archived products. No image URLs: the
 * demo's images are drawn locally and uploaded (`seedDemoImages`), so the demo needs no outside host.
 */
export function demoCatalogBatch(count = DEMO_PRODUCT_COUNT): SyncBatch {
  return { source: DEMO_SOURCE, products: demoProductRecords(count) };
}

/** The records of the demo catalog (the same every time: a fixed random sequence). */
function demoProductRecords(count: number) {
  const random = randomSequence(20240601);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(4, '0');
    const leaf = leaves[index % leaves.length];
    const brand = pick(brandsByDepartment[leaf.path[0]]);
    const noun = pick(leaf.nouns);
    const adjective = pick(adjectives);
    const colour = pick(colours);
    const material = pick(materials);
    const [low, high] = leaf.price;
    // Prices end in 99 cents, like shelf prices do.
    const amount = Math.floor((low + random() * (high - low)) / 100) * 100 + 99;
    const stockRoll = random();
    const onHand = stockRoll < 0.1 ? 0 : stockRoll < 0.25 ? 1 + Math.floor(random() * 5) : 10 + Math.floor(random() * 200);
    const status = index % 29 === 7 ? 'draft' : index % 41 === 11 ? 'archived' : 'active';
    return {
      externalId: `demo-${number}`,
      sku: `DEMO-${number}`,
      name: `${brand} ${adjective} ${noun} ${number.slice(1)}`,
      description: `A ${adjective.toLowerCase()} ${noun.toLowerCase()} by ${brand} in ${colour}, made of ${material}. Part of the ${leaf.path[2].toLowerCase()} range.`,
      translations: demoTranslations({ brand, adjective, noun, colour, material, serial: number.slice(1) }),
      brand,
      categoryPath: leaf.path,
      attributes: { colour, material, weightGrams: 100 + Math.floor(random() * 4900) },
      price: { amount, currency: DEMO_CURRENCY },
      status,
      onHand,
    };
  });
}

/** Loads the demo catalog through the bulk upsert (so it also goes through validation and publishes events). */
export async function seedDemoCatalog(catalogSync: CatalogSyncService): Promise<BulkUpsertReport> {
  const outcome = await catalogSync.bulkUpsertProducts({ actor: { kind: 'system', name: 'demo-seed' } }, demoCatalogBatch());
  if (outcome === 'duplicate') throw new Error('the demo seed is not deduplicated by event id');
  return outcome;
}

/** Categories whose images are seeded at once. */
const DEMO_IMAGE_WORKERS = 2;

/**
 * The side (px) of a demo image. Below the widest variant (1280), which it replaces: rendering a 1280 px AVIF is most
 * of an upload's time, and the demo's flat drawings gain nothing from it (`npm start` and the launcher tests wait for
 * the seed).
 */
const DEMO_IMAGE_SIDE = 800;

/** The outline of each leaf category's shape on its demo image, in turn. */
const demoShapes = [
  '<circle cx="640" cy="560" r="300"/>',
  '<rect x="340" y="260" width="600" height="600" rx="96"/>',
  '<polygon points="640,230 960,830 320,830"/>',
  '<polygon points="640,240 926,405 926,735 640,900 354,735 354,405"/>',
  '<ellipse cx="640" cy="560" rx="380" ry="240"/>',
];

function xmlEscaped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A darker shade of a `#rrggbb` colour (the gradient's far end). */
function darker(colour: string): string {
  const channels = [1, 3, 5].map((offset) => Math.round(parseInt(colour.slice(offset, offset + 2), 16) * 0.45));
  return `#${channels.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}

/** The SVG of a leaf category's demo image: a gradient in its colour, a light shape, and the category's initials. */
export function demoImageSvg(leaf: Pick<LeafCategory, 'path' | 'colour'>, shapeIndex: number): string {
  const name = leaf.path[2];
  const initials = name
    .split(/[\s&-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0].toUpperCase())
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${DEMO_IMAGE_SIDE}" height="${DEMO_IMAGE_SIDE}" viewBox="0 0 1280 1280">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${leaf.colour}"/><stop offset="1" stop-color="${darker(leaf.colour)}"/></linearGradient></defs>
  <rect width="1280" height="1280" fill="url(#bg)"/>
  <g fill="#ffffff" fill-opacity="0.28">${demoShapes[shapeIndex % demoShapes.length]}</g>
  <text x="640" y="1110" font-family="DejaVu Sans, Arial, sans-serif" font-size="150" font-weight="bold" fill="#ffffff" text-anchor="middle">${xmlEscaped(initials)}</text>
  <text x="640" y="600" font-family="DejaVu Sans, Arial, sans-serif" font-size="72" fill="#ffffff" fill-opacity="0.9" text-anchor="middle">${xmlEscaped(name)}</text>
</svg>`;
}

/** What seeding the demo images did. */
export interface DemoImagesReport {
  /** Products that got their image now (those that had it already are left alone). */
  attached: number;
  /** Distinct images (one per leaf category). */
  images: number;
  durationMs: number;
}

/**
 * Gives every demo product the image of its leaf category, through the same path as an admin upload (so every
 * variant exists in the media store): one PNG drawn per category and reused by all its products, which the service
 * renders once (an image another product has, with its objects stored, is not rendered again). Idempotent.
 */
export async function seedDemoImages(productImages: ProductImageService, count = DEMO_PRODUCT_COUNT): Promise<DemoImagesReport> {
  const startedAt = Date.now();
  const products = demoProductRecords(count);
  const ids = await productImages.productIdsBySku(products.map((product) => product.sku));
  const drawn = await Promise.all(
    leaves.map(async (leaf, index) => {
      const png = await sharp(Buffer.from(demoImageSvg(leaf, index))).png({ compressionLevel: 6 }).toBuffer();
      return { leaf, png, sha256: createHash('sha256').update(png).digest('hex') };
    }),
  );
  const actor = { actor: { kind: 'system' as const, name: 'demo-seed' } };
  let attached = 0;
  const attachAll = async (image: (typeof drawn)[number]) => {
    // The first product of a category renders the variants; the others are a few short statements each.
    for (const product of products) {
      const id = ids.get(product.sku);
      if (!id || product.categoryPath.join('/') !== image.leaf.path.join('/')) continue;
      const outcome = await productImages.addImage(actor, id, { source: image.png, sha256: image.sha256, head: image.png.subarray(0, IMAGE_SNIFF_BYTES), alt: null });
      if (outcome.kind === 'added') attached += 1;
      else if (outcome.kind !== 'already_there') throw new Error(`the demo image of ${product.sku} was refused: ${outcome.kind}`);
    }
  };
  // A few categories at a time: one renders on libvips' threads while another's statements run on this one.
  const queue = [...drawn];
  await Promise.all(
    Array.from({ length: DEMO_IMAGE_WORKERS }, async () => {
      for (let image = queue.shift(); image; image = queue.shift()) await attachAll(image);
    }),
  );
  return { attached, images: drawn.length, durationMs: Date.now() - startedAt };
}
