-- Product images an admin uploaded (or the demo seed made): one row per image of a product, named by the SHA-256 of
-- the original upload. The bytes live in the media store as `<image_id>/<width>.<format>` variants, which are
-- content-addressed and may be shared by several products, so no row owns them: deleting a row (or the product)
-- leaves them for a sweep. `variants` lists the widths and formats that were made (never wider than the original),
-- so reads can name their URLs without asking the store. Reads list a product's images by `position`.
CREATE TABLE product_images (
  product_id uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  image_id text NOT NULL CHECK (image_id ~ '^[0-9a-f]{64}$'),
  position integer NOT NULL CHECK (position >= 0),
  width integer NOT NULL CHECK (width > 0),
  height integer NOT NULL CHECK (height > 0),
  alt text NULL,
  variants jsonb NOT NULL CHECK (jsonb_typeof(variants) = 'array'),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (product_id, image_id)
);
-- Which products show an image (a future sweep of unreferenced media objects).
CREATE INDEX product_images_image_idx ON product_images (image_id);
