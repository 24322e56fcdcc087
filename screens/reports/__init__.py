"""The supervisor's reports and exports desk."""
