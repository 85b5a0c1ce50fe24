"""Open311 GeoReport v2 at /open311/v2/ (issue 18, items 2 and 3): the case categories as
services, requests filed and followed by the 12345 hotline and other systems, and FixMyStreet's
``servicerequestupdates`` extension fed from the public timeline. docs/api.md, "Open311"."""
