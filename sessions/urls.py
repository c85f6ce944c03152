from django.urls import path

from sessions import views

urlpatterns = [
    path("courses/", views.course_list, name="course_list"),
    path("courses/<slug:slug>/", views.course_detail, name="course_detail"),
    path("courses/<slug:slug>/sessions/<int:number>/", views.session_detail, name="session_detail"),
]
