"""One script per speed goal; run each as `python -m bench.NAME` from the checkout."""
