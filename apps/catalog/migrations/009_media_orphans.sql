-- Images no product has any more, whose media objects (`<image_id>/<width>.<format>`) the media sweep deletes once
-- they have been orphaned for the grace period (MEDIA_ORPHAN_GRACE_SECONDS): pages and caches that still name their
-- URLs have expired by then, and an admin who detached by mistake gets the image back without a new render.
--
-- The table is a list of candidates, not the truth: the sweep deletes an image's objects only after checking again,
-- in a transaction holding the image's advisory lock, that no product_images row has it (an attach takes the same
-- lock before it checks the objects and inserts its row). A stale entry costs a look, never an image.
CREATE TABLE media_orphans (
  image_id text PRIMARY KEY CHECK (image_id ~ '^[0-9a-f]{64}$'),
  orphaned_at timestamptz NOT NULL
);
-- The sweep takes the oldest first.
CREATE INDEX media_orphans_orphaned_at_idx ON media_orphans (orphaned_at);

-- Kept by triggers rather than by each writer, so every way a row goes is seen: a detach, and the cascade of a
-- product's delete. The grace counts from the last time the image lost its last product.
CREATE FUNCTION media_orphan_after_image_delete() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM product_images WHERE image_id = OLD.image_id) THEN
    INSERT INTO media_orphans (image_id, orphaned_at) VALUES (OLD.image_id, now())
    ON CONFLICT (image_id) DO UPDATE SET orphaned_at = excluded.orphaned_at;
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION media_orphan_after_image_insert() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  DELETE FROM media_orphans WHERE image_id = NEW.image_id;
  RETURN NULL;
END
$$;

CREATE TRIGGER product_images_orphan_on_delete AFTER DELETE ON product_images
FOR EACH ROW EXECUTE FUNCTION media_orphan_after_image_delete();

CREATE TRIGGER product_images_adopt_on_insert AFTER INSERT ON product_images
FOR EACH ROW EXECUTE FUNCTION media_orphan_after_image_insert();
