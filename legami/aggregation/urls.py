"""Pages of the aggregation app, under /<network-slug>/demands/."""

app_name = "aggregation"

urlpatterns: list = []
