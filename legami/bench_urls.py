"""Root URLconf of `benchmarks.settings`: the application's URLs plus the bare baseline view.

The baseline comes first because `__bench__` is also a valid network slug.
"""

from django.urls import include, path

from legami.urls import urlpatterns as application_urlpatterns

urlpatterns = [
    path("__bench__/", include("legami.demo.bench_urls")),
    *application_urlpatterns,
]
