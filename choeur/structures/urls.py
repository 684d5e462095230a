from django.urls import URLPattern, URLResolver

app_name = "structures"
urlpatterns: list[URLPattern | URLResolver] = []
