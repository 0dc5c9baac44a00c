import { randomSequence } from '@shop/kernel';
import type { BulkUpsertReport, SyncBatch } from '@shop/contracts';
import type { CatalogSyncService } from '../domain/catalog-sync.service';

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
  nouns: string[];
  /** Price range in cents. */
  price: [number, number];
}

const leaves: LeafCategory[] = [
  { path: ['Electronics', 'Audio', 'Headphones'], nouns: ['Headphones', 'Earbuds', 'Headset'], price: [1999, 39999] },
  { path: ['Electronics', 'Audio', 'Speakers'], nouns: ['Speaker', 'Soundbar', 'Boombox'], price: [2999, 59999] },
  { path: ['Electronics', 'Computers', 'Laptops'], nouns: ['Laptop', 'Notebook', 'Ultrabook'], price: [39999, 249999] },
  { path: ['Electronics', 'Computers', 'Accessories'], nouns: ['Keyboard', 'Mouse', 'USB-C Hub', 'Monitor Stand'], price: [999, 14999] },
  { path: ['Electronics', 'Cameras', 'Action Cameras'], nouns: ['Action Camera', 'Dash Cam'], price: [4999, 49999] },
  { path: ['Home & Kitchen', 'Kitchen', 'Cookware'], nouns: ['Frying Pan', 'Saucepan', 'Dutch Oven', 'Wok'], price: [1499, 24999] },
  { path: ['Home & Kitchen', 'Kitchen', 'Coffee'], nouns: ['Espresso Machine', 'Coffee Grinder', 'French Press', 'Kettle'], price: [1999, 89999] },
  { path: ['Home & Kitchen', 'Furniture', 'Lighting'], nouns: ['Desk Lamp', 'Floor Lamp', 'Pendant Light'], price: [1999, 29999] },
  { path: ['Home & Kitchen', 'Furniture', 'Chairs'], nouns: ['Office Chair', 'Armchair', 'Stool'], price: [4999, 79999] },
  { path: ['Sports & Outdoors', 'Camping', 'Tents'], nouns: ['Tent', 'Shelter', 'Tarp'], price: [2999, 69999] },
  { path: ['Sports & Outdoors', 'Camping', 'Sleeping Bags'], nouns: ['Sleeping Bag', 'Sleeping Pad'], price: [2499, 39999] },
  { path: ['Sports & Outdoors', 'Fitness', 'Yoga'], nouns: ['Yoga Mat', 'Yoga Block', 'Resistance Band'], price: [799, 12999] },
  { path: ['Sports & Outdoors', 'Cycling', 'Bike Accessories'], nouns: ['Bike Light', 'Helmet', 'Bike Lock', 'Pump'], price: [999, 19999] },
  { path: ['Fashion', 'Shoes', 'Running Shoes'], nouns: ['Running Shoes', 'Trail Shoes', 'Racing Flats'], price: [4999, 24999] },
  { path: ['Fashion', 'Bags', 'Backpacks'], nouns: ['Backpack', 'Daypack', 'Laptop Bag'], price: [2999, 19999] },
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

/**
 * The demo catalog as one sync batch: a few hundred products over a three-level category tree, 16 brands,
 * prices in EUR, stock levels from sold out to plenty, and a few drafts and archived products.
 */
export function demoCatalogBatch(count = DEMO_PRODUCT_COUNT): SyncBatch {
  const random = randomSequence(20240601);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const products = Array.from({ length: count }, (_, index) => {
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
      brand,
      categoryPath: leaf.path,
      imageUrls: [`https://images.example.com/demo/${number}-1.jpg`, `https://images.example.com/demo/${number}-2.jpg`],
      attributes: { colour, material, weightGrams: 100 + Math.floor(random() * 4900) },
      price: { amount, currency: DEMO_CURRENCY },
      status,
      onHand,
    };
  });
  return { source: DEMO_SOURCE, products };
}

/** Loads the demo catalog through the bulk upsert (so it also goes through validation and publishes events). */
export async function seedDemoCatalog(catalogSync: CatalogSyncService): Promise<BulkUpsertReport> {
  const outcome = await catalogSync.bulkUpsertProducts({ actor: { kind: 'system', name: 'demo-seed' } }, demoCatalogBatch());
  if (outcome === 'duplicate') throw new Error('the demo seed is not deduplicated by event id');
  return outcome;
}
