from django.urls import path  # noqa: F401

from .views import account, boards, deep_dive, meetings, people
from .views import packs as pack_views
from .views import report as report_views

app_name = "governance"
urlpatterns = [
    path("account/tokens/", account.api_tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", account.revoke_api_token, name="token_revoke"),
    path("boards/", boards.board_list, name="boards"),
    path("boards/<slug:slug>/", boards.board_detail, name="board"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/attendance/", meetings.attendance, name="attendance"),
    path("meetings/<int:pk>/log/new/", meetings.add_item, name="log_item_new"),
    path("meetings/<int:pk>/deep-dive/<int:theme_pk>/", deep_dive.deep_dive, name="deep_dive"),
    path("log-items/<int:pk>/update/", meetings.update_item, name="log_item_update"),
    path("log-items/<int:pk>/response/", meetings.response, name="log_item_response"),
    path("people/<int:pk>/", people.person_detail, name="person"),
    path("meetings/<int:pk>/report/", report_views.report, name="report"),
    path("meetings/<int:pk>/report.pdf", report_views.report_pdf, name="report_pdf"),
    path("meetings/<int:pk>/report.docx", report_views.report_docx, name="report_docx"),
    path("meetings/<int:pk>/packs/issue/", pack_views.issue_pack, name="issue_pack"),
    path("meetings/<int:pk>/packs/<int:version>.pdf", pack_views.pack_pdf, name="pack_pdf"),
    path("meetings/<int:pk>/packs/<int:version>.docx", pack_views.pack_docx, name="pack_docx"),
    path("meetings/<int:pk>/decisions/", pack_views.decisions, name="decisions"),
]
