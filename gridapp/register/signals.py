"""What the register tells the apps above it, which it may not import (the layers of
pyproject.toml): sent by the register's services themselves, after their write, in its transaction.
"""

from django.dispatch import Signal

# Residents or households moved (a household to another grid, a resident to another household),
# archived or restored: keyword arguments ``resident_ids`` and ``household_ids``. The check-ins
# keep each cared-for resident's grid on their care assignment (visits.checkins.refresh_placement).
placement_changed = Signal()
