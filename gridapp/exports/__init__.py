"""Exports of personal data (.xlsx) and the typhoon roster: scoped, masked and access-logged."""
