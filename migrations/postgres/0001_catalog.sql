-- Catalog: phone models, products and their sellable variants (SKUs).
-- Money is integer cents; flags are 0/1 integers so SQLite and PostgreSQL read the same.

CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE phone_models (
    id         BIGSERIAL PRIMARY KEY,
    slug       TEXT    NOT NULL UNIQUE,
    code       TEXT    NOT NULL UNIQUE,
    brand      TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    sort_order BIGINT  NOT NULL
);

CREATE TABLE products (
    id          BIGSERIAL PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    category    TEXT    NOT NULL CHECK (category IN ('cases', 'screen-protectors', 'accessories')),
    tagline     TEXT    NOT NULL,
    description TEXT    NOT NULL,
    style_label TEXT    NOT NULL,
    featured    BIGINT  NOT NULL DEFAULT 0 CHECK (featured IN (0, 1)),
    sort_order  BIGINT  NOT NULL
);

CREATE TABLE skus (
    id             BIGSERIAL PRIMARY KEY,
    code           TEXT    NOT NULL UNIQUE,
    product_id     BIGINT  NOT NULL REFERENCES products (id),
    phone_model_id BIGINT  REFERENCES phone_models (id),
    style          TEXT,
    colour         TEXT,
    price_cents    BIGINT  NOT NULL CHECK (price_cents >= 0),
    stock          BIGINT  NOT NULL CHECK (stock >= 0),
    image_path     TEXT    NOT NULL,
    active         BIGINT  NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    sort_order     BIGINT  NOT NULL
);

CREATE INDEX skus_by_product ON skus (product_id, sort_order);
CREATE INDEX skus_by_model ON skus (phone_model_id);
