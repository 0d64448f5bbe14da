"""What leaves the product: the post-event report and exports."""
