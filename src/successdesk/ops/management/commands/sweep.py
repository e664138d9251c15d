from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from successdesk.ops.sweeps import run_all


class Command(BaseCommand):
    help = "Run the periodic sweeps once, or every N seconds with --every N."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--every", type=float, default=0, help="Repeat every N seconds.")

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"]
        while True:
            close_old_connections()
            done = run_all()
            if options["verbosity"] > 1 or not every:
                self.stdout.write(", ".join(f"{k}: {v}" for k, v in done.items()))
            if not every:
                return
            time.sleep(every)
