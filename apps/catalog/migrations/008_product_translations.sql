-- Product texts in other languages than the catalog's base language (which products.name and description are in),
-- each with its own search vector, stemmed by the text search configuration of its language.

-- The text search configuration of a language (ISO 639): PostgreSQL's stemmer for it where it has one, `simple`
-- (lower-cased words, no stemming) for every other language, Japanese included (core PostgreSQL has no Japanese
-- word breaker). IMMUTABLE, so generated columns and query plans may use it; changing it means a migration that
-- rewrites product_translations.
CREATE FUNCTION text_search_config_of(language text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE language
    WHEN 'ar' THEN 'arabic'::regconfig
    WHEN 'da' THEN 'danish'::regconfig
    WHEN 'de' THEN 'german'::regconfig
    WHEN 'en' THEN 'english'::regconfig
    WHEN 'es' THEN 'spanish'::regconfig
    WHEN 'fi' THEN 'finnish'::regconfig
    WHEN 'fr' THEN 'french'::regconfig
    WHEN 'hu' THEN 'hungarian'::regconfig
    WHEN 'it' THEN 'italian'::regconfig
    WHEN 'nl' THEN 'dutch'::regconfig
    WHEN 'no' THEN 'norwegian'::regconfig
    WHEN 'pt' THEN 'portuguese'::regconfig
    WHEN 'ro' THEN 'romanian'::regconfig
    WHEN 'ru' THEN 'russian'::regconfig
    WHEN 'sv' THEN 'swedish'::regconfig
    WHEN 'tr' THEN 'turkish'::regconfig
    ELSE 'simple'::regconfig
  END
$$;

CREATE TABLE product_translations (
  product_id uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  language text NOT NULL CHECK (language ~ '^[a-z]{2,3}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(text_search_config_of(language), name), 'A') ||
    setweight(to_tsvector(text_search_config_of(language), description), 'C')
  ) STORED,
  PRIMARY KEY (product_id, language)
);
CREATE INDEX product_translations_search_idx ON product_translations USING gin (search_vector);
