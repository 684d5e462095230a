from django.urls import URLPattern, URLResolver

app_name = "sollicitations"
urlpatterns: list[URLPattern | URLResolver] = []
