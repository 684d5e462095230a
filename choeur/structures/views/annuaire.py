"""Public pages of the directory (no login): search, a structure's page, the downloads."""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from choeur.core.csvfile import csv_writer
from choeur.structures.annuaire import service_rows, structure_rows
from choeur.structures.annuaire_forms import DirectorySearchForm
from choeur.structures.annuaire_selectors import (
    invoice_requirements,
    public_structure_get,
    public_structure_search,
    public_structure_services,
)

PAGE_SIZE = 20


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    searched = bool(request.GET.get("q") or request.GET.get("lieu"))
    form = DirectorySearchForm(request.GET if searched else None)
    page = None
    if form.is_bound and form.is_valid():
        structures = public_structure_search(**form.criteria())
    elif not form.is_bound:
        structures = public_structure_search()
    else:
        structures = None
    if structures is not None:
        page = Paginator(structures, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = (
        [(structure, invoice_requirements(structure)) for structure in page.object_list]
        if page
        else []
    )
    return render(
        request,
        "annuaire/search.html",
        {
            "title": _("Annuaire des structures publiques"),
            "form": form,
            "page": page,
            "rows": rows,
            "searched": searched,
            "query_string": query.urlencode(),
        },
    )


@require_GET
def structure_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    structure = public_structure_get(identifier=identifier)
    if structure is None:
        raise Http404
    services = list(public_structure_services(structure))
    return render(
        request,
        "annuaire/structure.html",
        {
            "title": structure.raison_sociale,
            "structure": structure,
            "requirements": invoice_requirements(structure),
            "services": services,
            "services_with_engagement": [s for s in services if s.engagement_required],
        },
    )


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_response(filename: str, rows: Iterator[list[str]]) -> StreamingHttpResponse:
    """Stream an export row by row (UTF-8 with a BOM, so that spreadsheets read the accents)."""
    writer = csv_writer(_Echo(), delimiter=";", lineterminator="\r\n")

    def chunks() -> Iterator[bytes]:
        yield codecs.BOM_UTF8
        for row in rows:
            yield str(writer.writerow(row)).encode("utf-8")

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def download_structures(request: HttpRequest) -> StreamingHttpResponse:
    return _csv_response("annuaire-structures-publiques.csv", structure_rows())


@require_GET
def download_services(request: HttpRequest) -> StreamingHttpResponse:
    return _csv_response("annuaire-services.csv", service_rows())
