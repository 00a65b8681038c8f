"""The warehouse-scale benchmark (issue 7): `make bench`; see bench/README.md."""
