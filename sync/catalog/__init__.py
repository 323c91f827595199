"""Domain model of the catalog and the pure planner that syncs it into HubDB."""
