"""Lambda handlers and the local `serve` edge of the inventory microservice."""
