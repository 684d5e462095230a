from django.urls import path

from choeur.sollicitations import views

app_name = "sollicitations"
urlpatterns = [
    path("emises/", views.sent_list, name="sent"),
    path("emises/nouvelle/", views.create, name="create"),
    path("recues/", views.received_list, name="received"),
    path("contact/", views.logged_out_create, name="logged_out"),
    path("contact/envoyee/", views.logged_out_done, name="logged_out_done"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/modifier/", views.edit, name="edit"),
    path(
        "<str:number>/pieces-jointes/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<str:number>/<slug:slug>/", views.action, name="action"),
]
