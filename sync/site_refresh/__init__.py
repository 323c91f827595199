"""The site-freshness function: re-sync the HubDB rows of products whose stock changed."""
