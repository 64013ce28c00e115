-- Catalog: phone models, products and their sellable variants (SKUs).
-- Money is integer cents; flags are 0/1 integers so SQLite and PostgreSQL read the same.

CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE phone_models (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT    NOT NULL UNIQUE,
    code       TEXT    NOT NULL UNIQUE,
    brand      TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    category    TEXT    NOT NULL CHECK (category IN ('cases', 'screen-protectors', 'accessories')),
    tagline     TEXT    NOT NULL,
    description TEXT    NOT NULL,
    style_label TEXT    NOT NULL,
    featured    INTEGER NOT NULL DEFAULT 0 CHECK (featured IN (0, 1)),
    sort_order  INTEGER NOT NULL
);

CREATE TABLE skus (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    code           TEXT    NOT NULL UNIQUE,
    product_id     INTEGER NOT NULL REFERENCES products (id),
    phone_model_id INTEGER REFERENCES phone_models (id),
    style          TEXT,
    colour         TEXT,
    price_cents    INTEGER NOT NULL CHECK (price_cents >= 0),
    stock          INTEGER NOT NULL CHECK (stock >= 0),
    image_path     TEXT    NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    sort_order     INTEGER NOT NULL
);

CREATE INDEX skus_by_product ON skus (product_id, sort_order);
CREATE INDEX skus_by_model ON skus (phone_model_id);
