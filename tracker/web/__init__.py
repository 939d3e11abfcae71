"""Thin views over the domain modules, one blueprint per area."""
