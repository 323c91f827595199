"""SQLite tables of the local Shopify-like store (component ``shop``), as ordered migrations.

Rows keep the numeric part of Shopify's gids; the gid is rebuilt on the way out.
Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

from sync.local import db

V1 = """
CREATE TABLE shop_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE shop_ids (kind TEXT PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE shop_products (
  num INTEGER PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  body_html TEXT NOT NULL DEFAULT '',
  vendor TEXT NOT NULL DEFAULT '',
  product_type TEXT NOT NULL DEFAULT '',
  category TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL,
  published INTEGER NOT NULL DEFAULT 1,
  options TEXT NOT NULL DEFAULT '[]',
  images TEXT NOT NULL DEFAULT '[]',
  seo_title TEXT NOT NULL DEFAULT '',
  seo_description TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX shop_products_updated ON shop_products (updated_at);
CREATE TABLE shop_variants (
  num INTEGER PRIMARY KEY,
  product_num INTEGER NOT NULL REFERENCES shop_products (num) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  sku TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL,
  price TEXT NOT NULL,
  compare_at_price TEXT,
  options TEXT NOT NULL DEFAULT '{}',
  item_num INTEGER NOT NULL UNIQUE,
  tracked INTEGER NOT NULL DEFAULT 1,
  policy TEXT NOT NULL DEFAULT 'DENY',
  barcode TEXT NOT NULL DEFAULT '',
  grams INTEGER,
  requires_shipping INTEGER NOT NULL DEFAULT 1,
  taxable INTEGER NOT NULL DEFAULT 1,
  image_src TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX shop_variants_product ON shop_variants (product_num, position);
CREATE INDEX shop_variants_sku ON shop_variants (sku);
CREATE TABLE shop_collections (
  num INTEGER PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  body_html TEXT NOT NULL DEFAULT '',
  rule_tag TEXT,
  image TEXT,
  updated_at TEXT NOT NULL
);
CREATE TABLE shop_memberships (
  collection_handle TEXT NOT NULL,
  product_handle TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (collection_handle, product_handle)
);
CREATE TABLE shop_locations (
  num INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE shop_levels (
  item_num INTEGER NOT NULL,
  location_num INTEGER NOT NULL REFERENCES shop_locations (num),
  available INTEGER NOT NULL DEFAULT 0,
  committed INTEGER NOT NULL DEFAULT 0,
  unavailable INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (item_num, location_num)
);
CREATE TABLE shop_orders (
  num INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  email TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  cancelled_at TEXT,
  fulfilled_at TEXT,
  restocked INTEGER
);
CREATE TABLE shop_order_lines (
  num INTEGER PRIMARY KEY,
  order_num INTEGER NOT NULL REFERENCES shop_orders (num) ON DELETE CASCADE,
  variant_num INTEGER NOT NULL,
  product_num INTEGER NOT NULL,
  item_num INTEGER NOT NULL,
  sku TEXT NOT NULL,
  title TEXT NOT NULL,
  price TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  location_num INTEGER,
  tracked INTEGER NOT NULL
);
CREATE TABLE shop_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  item_num INTEGER NOT NULL,
  location_num INTEGER NOT NULL,
  name TEXT NOT NULL,
  delta INTEGER NOT NULL,
  quantity_after INTEGER NOT NULL,
  reason TEXT NOT NULL,
  reference TEXT,
  source TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX shop_changes_item ON shop_changes (item_num, id);
CREATE TABLE shop_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL,
  webhook_id TEXT NOT NULL UNIQUE
);
CREATE INDEX shop_events_topic ON shop_events (topic, id)
"""

# Listing a product's manual collections looks memberships up by product.
V2 = "CREATE INDEX shop_memberships_product ON shop_memberships (product_handle)"

db.register("shop", [V1, V2])
