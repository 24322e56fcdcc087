"""Shared services: audit, staff, permissions, settings, context, escalation, backup."""
