"""Local HubL renderer, site build and theme deployment."""
