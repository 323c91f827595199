"""The shared model: products, locations, levels, shop facts, stock records, times."""
