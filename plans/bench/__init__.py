"""The benchmark of issue 15: the synthetic data set (dataset.py), the timed pages (timing.py) and the summary
that `manage.py bench` prints."""
