"""A generated world for the benchmarks (``manage.py generate_world``): towns of communities and
grids with their people, register, visits and cases, written with COPY through the real schema."""
