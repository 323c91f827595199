"""HubSpot adapter: HubDB tables and CMS source code through the official SDK."""
