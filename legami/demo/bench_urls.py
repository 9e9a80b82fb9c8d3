"""URLs used only by the benchmarks (mounted by `legami.bench_urls`)."""

from django.urls import path

from legami.demo import bench_views

app_name = "bench"

urlpatterns = [
    path("bare/", bench_views.bare, name="bare"),
]
