"""The workbench application: routes, pages, error handling.

Pages
-----
``/``                                  scenarios (built-in and stored) and recent runs
``/scenarios/new``                     create a scenario: form, YAML editor or file import
``/builtin/NAME``, ``/versions/ID``    a scenario: actors, issues, stances with their evidence; run it
``.../edit``                           edit it (form or YAML); saving stores a new version
``.../download``                       the scenario as self-contained YAML
``/runs``, ``/runs/ID``                run history and one run's results (charts, analyses)
``/runs/diff?a=ID&b=ID``               what changed between two runs
``/runs/ID/report``                    the run as a self-contained HTML report
"""

from __future__ import annotations

import logging
import os
import secrets
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from accord import __version__
from accord.brief import model_label
from accord.errors import AccordError, CSRFError, ImportFormatError, Problem, RunFormError, ScenarioError
from accord.models.base import describe_params, get_model, model_names
from accord.report import from_record, render_html
from accord.report.analyses import UNCERTAINTY_DRAWS, describe_options
from accord.report.analyses import available as available_analyses
from accord.report.analyses import title as analysis_title
from accord.report.content import fmt, forecast_rows, stance_views
from accord.report.html import agreement_rest, agreement_rows, longdate, verdict_of
from accord.report.jsonview import render as render_json
from accord.scenario import builtin
from accord.scenario import io as importers
from accord.store import Store, diff_runs, open_store, scenario_document
from accord.store.diff import NOISE
from accord.web import compare, forms, services
from accord.web.security import (
    CSRF,
    MAX_BODY,
    BodyLimitMiddleware,
    BodyTooLarge,
    HostCheckMiddleware,
    SecurityHeadersMiddleware,
    TokenMiddleware,
    set_csrf_cookie,
)
from accord.web.views import chart_analyses, chart_scenario, diff_bar, models_with_rounds

log = logging.getLogger("accord.web")
HERE = Path(__file__).parent
PAGE_SIZE = 50
MAX_FORM_FIELDS = 50_000
NEW_ROWS = {"sources": 1, "actors": 3, "issues": 2, "stances": 4}
TYPE_FIELD = "type:"


def _plotly_js() -> Path:
    return Path(str(files("plotly") / "package_data" / "plotly.min.js"))


def create_app(
    db_url: str | None = None,
    *,
    store: Store | None = None,
    token: str | None = None,
    secret: str | None = None,
    max_body: int = MAX_BODY,
    allowed_hosts: list[str] | None = None,
) -> FastAPI:
    """The workbench as an ASGI app.

    Parameters
    ----------
    db_url : str, optional
        Run-history database (default :func:`accord.store.default_url`).
    store : Store, optional
        An open store to use instead of ``db_url``.
    token : str, optional
        Access token every request must carry (see :mod:`accord.web.security`).
    secret : str, optional
        Key that signs CSRF tokens; default ``ACCORD_SECRET`` or a random key per process.
    max_body : int
        Largest request body accepted, in bytes.
    allowed_hosts : list of str, optional
        Host headers accepted (guards a loopback server against DNS rebinding).
    """
    store = store or open_store(db_url)
    app = FastAPI(title="accord workbench", version=__version__, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    csrf = CSRF(secret or os.environ.get("ACCORD_SECRET") or secrets.token_urlsafe(32))
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(fmt=fmt, render_json=render_json, longdate=longdate, version=__version__,
                                 analysis_title=analysis_title, SINGULAR=forms.SINGULAR, Row=forms.Row,
                                 agreement_rows=agreement_rows, agreement_rest=agreement_rest)

    board = services.ProgressBoard()
    app.state.progress = board

    def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.update(csrf_token=csrf.token_for(request))
        response = templates.TemplateResponse(request, name, context, status_code=status)
        set_csrf_cookie(request, response)
        return response

    def error_page(request: Request, status: int, title: str, message: str, details: list[str] | None = None
                   ) -> Response:
        return page(request, "error.html", status, title=title, message=message, details=details or [],
                    code=status)

    async def read_form(request: Request, **limits: Any) -> Any:
        limits.setdefault("max_part_size", max_body)
        form = await request.form(max_fields=MAX_FORM_FIELDS, **limits)
        await csrf.check(request, form)
        return form

    # ----- errors -------------------------------------------------------------------------------------------

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: "Page not found", 405: "Not allowed here", 400: "Bad request"}
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else (
            "There is nothing at this address." if exc.status_code == 404 else "The request could not be handled.")
        return error_page(request, exc.status_code, titles.get(exc.status_code, "Error"), message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        details = [f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
                   for e in exc.errors()]
        return error_page(request, 400, "Incomplete request", "Some of what was sent could not be read.", details)

    @app.exception_handler(services.NotFound)
    async def not_found(request: Request, exc: services.NotFound) -> Response:
        return error_page(request, 404, "Not found", str(exc))

    @app.exception_handler(CSRFError)
    async def csrf_error(request: Request, exc: CSRFError) -> Response:
        return error_page(request, 403, "Form expired",
                          "This form's security token is missing or out of date. Go back, reload the page and "
                          "submit it again.")

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        path = request.url.path
        if path == "/scenarios/new" or path.endswith("/edit"):
            problem = Problem("", f"{exc}: nothing was saved. The text is still in the editor; make it smaller "
                                  "(for example, move long source texts into files) and save again.")
            response = editor_page(request, action=path, title="Request too large", state=blank_state(),
                                   yaml_text="", yaml_problems=[problem], tab="yaml", status=413,
                                   restore_draft=True)
        else:
            response = error_page(request, 413, "Request too large", f"{exc}. Upload a smaller file.")
        response.headers["Connection"] = "close"
        return response

    @app.exception_handler(AccordError)
    async def accord_error(request: Request, exc: AccordError) -> Response:
        return error_page(request, 400, "Cannot do that", str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_page(request, 500, "Something went wrong",
                          "The workbench hit an unexpected error; it has been logged. Nothing was saved by this "
                          "request.")

    # ----- static -------------------------------------------------------------------------------------------

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        return FileResponse(_plotly_js(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml",
                            headers={"Cache-Control": "public, max-age=86400"})

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/progress/{job}", include_in_schema=False)
    def progress(job: str) -> Response:
        entry = board.get(job) if board.valid(job) else None
        if entry is None:
            return JSONResponse({"step": None}, status_code=404)
        return JSONResponse(entry, headers={"Cache-Control": "no-store"})

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"ok": True, "version": __version__}

    # ----- scenarios ----------------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> Response:
        builtins = [(name, services.builtin_scenario(name)) for name in builtin.names()]
        recent = store.list_runs(limit=10)
        return page(request, "index.html", builtins=builtins, stored=store.list_scenarios(), runs=recent,
                    run_options=services.recorded_options(recent),
                    total_runs=store.count_runs())

    @app.get("/scenarios")
    def scenarios() -> Response:
        return RedirectResponse("/", status_code=307)

    def model_info() -> list[dict[str, Any]]:
        out = []
        for name in model_names():
            m = get_model(name)
            out.append({"name": name, "summary": m.summary, "rounds": m.works_in_rounds,
                        "params": describe_params(m)})
        return out

    def scenario_page(request: Request, loaded: services.Loaded, status: int = 200, **extra: Any) -> Response:
        sc = loaded.scenario
        versions = store.versions(sc.id)
        notice = request.query_params.get("notice")
        analyses = available_analyses()
        recent = store.list_runs(scenario_id=sc.id, limit=10)
        return page(
            request, "scenario.html", status, loaded=loaded, scenario=sc, stances=stance_views(sc),
            versions=versions, runs=recent, run_options=services.recorded_options(recent),
            models=model_info(), analyses=analyses, notice=notice,
            choices=services.run_form_choices(sc, [a.name for a in analyses]),
            default_draws=UNCERTAINTY_DRAWS, draw_limits=(services.MIN_DRAWS, services.MAX_DRAWS),
            type_field=TYPE_FIELD, run_error_field=extra.pop("run_error_field", None),
            form_values=extra.pop("form_values", {}), **extra,
        )

    def editor_page(request: Request, *, action: str, title: str, state: forms.FormState, yaml_text: str,
                    problems: forms.ProblemMap | None = None, yaml_problems: list | None = None,
                    tab: str = "form", import_error: str | None = None, status: int = 200,
                    loaded: services.Loaded | None = None, restore_draft: bool = False) -> Response:
        return page(request, "editor.html", status, action=action, title=title, state=state,
                    max_body=max_body, restore_draft=restore_draft,
                    yaml_text=yaml_text, problems=problems or forms.ProblemMap(),
                    yaml_problems=yaml_problems or [], tab=tab, import_error=import_error,
                    header_fields=forms.HEADER, fields=forms.FIELDS, titles=forms.TITLES,
                    formats=importers.FORMATS, loaded=loaded)

    def blank_state() -> forms.FormState:
        state = forms.state_from_document(None)
        for section, n in NEW_ROWS.items():
            state.sections[section] = [forms.Row() for _ in range(n)]
        return state

    @app.get("/scenarios/new", response_class=HTMLResponse)
    def new_scenario(request: Request) -> Response:
        tab = request.query_params.get("tab", "form")
        return editor_page(request, action="/scenarios/new", title="New scenario", state=blank_state(),
                           yaml_text=NEW_YAML, tab=tab if tab in ("form", "yaml", "import") else "form")

    async def save_edit(request: Request, *, action: str, title: str, base: dict[str, Any] | None,
                        loaded: services.Loaded | None) -> Response:
        form = await read_form(request)
        mode = form.get("mode")
        if mode == "yaml":
            text = str(form.get("yaml") or "")
            scenario, problems = await run_in_threadpool(services.validate_text, text)
            if problems:
                state = forms.state_from_document(base) if base else blank_state()
                return editor_page(request, action=action, title=title, state=state, yaml_text=text,
                                   yaml_problems=problems, tab="yaml", status=422, loaded=loaded)
            origin = "yaml"
        else:
            state, data, pre = forms.parse_form(form, base)
            scenario, problems = await run_in_threadpool(services.validate_data, data)
            problems = pre + problems
            if problems:
                for rows in state.sections.values():
                    rows.append(forms.Row())
                return editor_page(request, action=action, title=title, state=state,
                                   yaml_text=scenario_document(loaded.scenario) if loaded else NEW_YAML,
                                   problems=forms.place_problems(state, problems), tab="form", status=422,
                                   loaded=loaded)
            origin = "form"
        assert scenario is not None
        before = store.latest_version(scenario.id)
        version = await run_in_threadpool(store.save_version, scenario, origin=origin)
        notice = "unchanged" if before is not None and before.id == version.id else "saved"
        return RedirectResponse(f"/versions/{version.id}?notice={notice}", status_code=303)

    @app.post("/scenarios/new")
    async def create_scenario(request: Request) -> Response:
        return await save_edit(request, action="/scenarios/new", title="New scenario", base=None, loaded=None)

    @app.post("/scenarios/import")
    async def import_scenario(request: Request) -> Response:
        form = await read_form(request, max_part_size=max_body)
        try:
            return await _import(request, form)
        finally:
            await form.close()

    async def _import(request: Request, form: Any) -> Response:
        upload = form.get("file")
        fmt_name = str(form.get("format") or "auto")

        def failed(message: str) -> Response:
            return editor_page(request, action="/scenarios/new", title="New scenario", state=blank_state(),
                               yaml_text=NEW_YAML, tab="import", import_error=message, status=422)

        if upload is None or isinstance(upload, str) or not upload.filename:
            return failed("choose a file to import")
        raw = await upload.read()
        stem = services.safe_stem(upload.filename)
        try:
            text = services.decode_upload(raw, stem)
            if fmt_name == "auto":
                fmt_name = importers.detect_format(text) or "yaml"
            if fmt_name in importers.FORMATS:
                scenario = await run_in_threadpool(importers.convert, text, fmt_name, name=stem, file=stem)
            elif fmt_name == "yaml":
                scenario, problems = await run_in_threadpool(services.validate_text, text, stem)
                if problems:
                    return editor_page(request, action="/scenarios/new", title="New scenario", state=blank_state(),
                                       yaml_text=text, yaml_problems=problems, tab="yaml", status=422)
            else:
                return failed(f"unknown format {fmt_name!r}; choose one of {', '.join(importers.FORMATS)} or yaml")
        except (ImportFormatError, ScenarioError) as exc:
            return failed(str(exc))
        version = await run_in_threadpool(store.save_version, scenario, origin=f"import:{fmt_name}")
        return RedirectResponse(f"/versions/{version.id}?notice=imported", status_code=303)

    for kind in ("builtin", "versions"):
        _scenario_routes(app, kind, store, scenario_page, editor_page, save_edit, read_form, model_info)

    # ----- runs ---------------------------------------------------------------------------------------------

    @app.get("/runs", response_class=HTMLResponse)
    def runs(request: Request) -> Response:
        scenario_id = request.query_params.get("scenario") or None
        raw_page = request.query_params.get("page", "1").strip() or "1"
        if not raw_page.isdigit() or len(raw_page) > 9:
            raise services.NotFound(f"there is no page {raw_page[:30]!r} of the run history")
        page_no = max(1, int(raw_page))
        total = store.count_runs(scenario_id=scenario_id)
        if page_no > max(1, -(-total // PAGE_SIZE)):
            raise services.NotFound(f"there is no page {page_no} of the run history")
        listed = store.list_runs(scenario_id=scenario_id, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE)
        return page(request, "runs.html", runs=listed, total=total, page_no=page_no,
                    run_options=services.recorded_options(listed),
                    pages=max(1, -(-total // PAGE_SIZE)), scenario_id=scenario_id,
                    scenario_ids=[s.scenario_id for s in store.list_scenarios()])

    def get_run(run_id: str) -> Any:
        if run_id != "latest" and not run_id.isdigit():
            raise services.NotFound(f"runs are numbered, got {run_id!r}")
        try:
            return store.get_run(run_id)
        except AccordError:
            raise services.NotFound(f"there is no run {run_id} in the history") from None

    @app.get("/runs/diff", response_class=HTMLResponse)
    def runs_diff(request: Request) -> Response:
        a, b = request.query_params.get("a", ""), request.query_params.get("b", "")
        if not a or not b:
            return error_page(request, 400, "Choose two runs", "Pick the two runs to compare in the run history.")
        old, new = get_run(a), get_run(b)
        data = diff_runs(old, new)
        spans = {i.id: (i.scale.max - i.scale.min) for i in new.version.scenario().issues}
        spans.update({i.id: (i.scale.max - i.scale.min) for i in old.version.scenario().issues if i.id not in spans})
        sc = new.version.scenario()
        return page(request, "diff.html", diff=data, old=old, new=new, spans=spans, bar=diff_bar,
                    lead=compare.lead(old, new, data["results"], sc), words=lambda p: compare.path_words(p, sc),
                    noise=NOISE, model_label=model_label, issue_names={i.id: i.name for i in sc.issues})

    @app.get("/runs/{run_id}", response_class=HTMLResponse)
    def run_page(request: Request, run_id: str) -> Response:
        record = get_run(run_id)
        sc = record.version.scenario()
        rows = forecast_rows(sc, record.results)
        return page(
            request, "run.html", record=record, scenario=sc, rows=rows, models=list(record.results["models"]),
            rounds_models=models_with_rounds(record.results), stances=stance_views(sc),
            options=describe_options(record.params.get("analysis_options"), sc),
            verdict=verdict_of(record.analyses.get("agreement"), sc, record.analyses.get("uncertainty")),
            chart={"scenario": chart_scenario(sc), "run": record.results,
                   "analyses": chart_analyses(record.analyses)},
            others=store.list_runs(limit=30),
        )

    @app.get("/runs/{run_id}/json")
    def run_json(run_id: str) -> Response:
        return JSONResponse(get_run(run_id).to_json())

    @app.get("/runs/{run_id}/report")
    def run_report(request: Request, run_id: str) -> Response:
        record = get_run(run_id)
        html = render_html(from_record(record))
        headers = {}
        if request.query_params.get("download"):
            headers["Content-Disposition"] = f'attachment; filename="accord-run-{record.id}.html"'
        return HTMLResponse(html, headers=headers)

    @app.get("/runs/{run_id}/report.pdf")
    async def run_report_pdf(run_id: str) -> Response:
        import tempfile

        from accord.report import write_pdf

        record = get_run(run_id)

        def render() -> bytes:
            with tempfile.TemporaryDirectory() as folder:
                path = write_pdf(from_record(record), Path(folder) / "report.pdf")
                return path.read_bytes()

        pdf = await run_in_threadpool(render)
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="accord-run-{record.id}.pdf"'})

    app.add_middleware(BodyLimitMiddleware, limit=max_body)
    if token:
        app.add_middleware(TokenMiddleware, token=token)
    if allowed_hosts:
        app.add_middleware(HostCheckMiddleware, allowed=allowed_hosts)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def _scenario_routes(app: FastAPI, kind: str, store: Store, scenario_page: Any, editor_page: Any, save_edit: Any,
                     read_form: Any, model_info: Any) -> None:
    """Register the pages of one kind of scenario reference (``builtin`` or ``versions``)."""

    @app.get(f"/{kind}/{{key}}", response_class=HTMLResponse, name=f"{kind}_view")
    def view(request: Request, key: str) -> Response:
        return scenario_page(request, services.load_ref(store, kind, key))

    @app.get(f"/{kind}/{{key}}/edit", response_class=HTMLResponse, name=f"{kind}_edit")
    def edit(request: Request, key: str) -> Response:
        loaded = services.load_ref(store, kind, key)
        tab = request.query_params.get("tab", "form")
        return editor_page(request, action=f"{loaded.url}/edit", title=f"Edit: {loaded.scenario.title}",
                           state=forms.state_from_document(loaded.document),
                           yaml_text=scenario_document(loaded.scenario),
                           tab=tab if tab in ("form", "yaml") else "form", loaded=loaded)

    @app.post(f"/{kind}/{{key}}/edit", name=f"{kind}_save")
    async def save(request: Request, key: str) -> Response:
        loaded = await run_in_threadpool(services.load_ref, store, kind, key)
        return await save_edit(request, action=f"{loaded.url}/edit", title=f"Edit: {loaded.scenario.title}",
                               base=loaded.document, loaded=loaded)

    @app.get(f"/{kind}/{{key}}/download", name=f"{kind}_download")
    def download(key: str) -> Response:
        loaded = services.load_ref(store, kind, key)
        name = services.safe_stem(loaded.scenario.id, "scenario")
        suffix = f"-v{loaded.version.number}" if loaded.version else ""
        return Response(scenario_document(loaded.scenario), media_type="application/yaml; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}{suffix}.yaml"'})

    @app.post(f"/{kind}/{{key}}/run", name=f"{kind}_run")
    async def run(request: Request, key: str) -> Response:
        form = await read_form(request)
        loaded = await run_in_threadpool(services.load_ref, store, kind, key)
        known = model_names()
        models = [m for m in form.getlist("models") if isinstance(m, str)]
        analyses = [a for a in form.getlist("analyses") if isinstance(a, str)]
        values = {"models": models, "analyses": analyses, "rounds": form.get("rounds") or "",
                  "seed": form.get("seed") or "0", "settings": form.get("settings") or "",
                  "at": _text(form.get("at")), "levers": [v for v in form.getlist("levers") if isinstance(v, str)],
                  "types": {key.removeprefix(TYPE_FIELD): value for key, value in form.multi_items()
                            if key.startswith(TYPE_FIELD) and isinstance(value, str)},
                  "utility": _text(form.get("utility")) or "linear",
                  "draws": _text(form.get("draws")) or str(UNCERTAINTY_DRAWS), "note": _text(form.get("note"))}
        try:
            unknown = [m for m in models if m not in known]
            if unknown:
                raise AccordError(f"unknown model {unknown[0]!r}")
            if not models:
                raise AccordError("choose at least one model")
            rounds = (_int(values["rounds"], "rounds", minimum=1, maximum=MAX_ROUNDS)
                      if str(values["rounds"]).strip() else None)
            seed = _int(values["seed"], "seed", minimum=0, maximum=MAX_SEED)
            settings = services.parse_settings(str(values["settings"]))
            draws = _int(values["draws"], "Monte Carlo draws", minimum=services.MIN_DRAWS,
                         maximum=services.MAX_DRAWS, field="draws")
            options = services.analysis_options(loaded.scenario, at=values["at"], levers=values["levers"],
                                                types=values["types"], utility=values["utility"], draws=draws)
            job = form.get("job")
            reporter = request.app.state.progress.reporter(job if isinstance(job, str) else None)
            note = _text(form.get("note")).strip()[:MAX_NOTE] or None
            record = await run_in_threadpool(services.run_and_record, store, loaded, models=models, rounds=rounds,
                                             settings=settings, seed=seed, analyses=analyses, options=options,
                                             progress=reporter, note=note)
            if reporter is not None:
                request.app.state.progress.update(job, "Done", 1, 1, finished=True)
        except AccordError as exc:
            return scenario_page(request, loaded, 400, run_error=str(exc), form_values=values,
                                 run_error_field=getattr(exc, "field", None))
        return RedirectResponse(f"/runs/{record.id}", status_code=303)


MAX_NOTE = 2000


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


MAX_SEED = 2**63 - 1
MAX_ROUNDS = 10_000


def _int(value: Any, what: str, minimum: int, maximum: int | None = None, field: str | None = None) -> int:
    """``value`` as a whole number in ``[minimum, maximum]``, or a :class:`RunFormError` naming ``what``."""
    text = str(value).strip()
    if len(text) > 30:
        raise RunFormError(f"{what} must be a whole number of at most 30 digits, got {text[:30]}...",
                                    field or what)
    try:
        number = int(text)
    except ValueError:
        raise RunFormError(f"{what} must be a whole number, got {value!r}", field or what) from None
    if number < minimum:
        raise RunFormError(f"{what} must be at least {minimum:,}, got {number:,}", field or what)
    if maximum is not None and number > maximum:
        raise RunFormError(f"{what} must be at most {maximum:,}, got {number:,}", field or what)
    return number


NEW_YAML = """\
schema_version: 1
id: my-case
title: My negotiation
actors:
  - {id: a, name: Party A, capability: 60}
  - {id: b, name: Party B, capability: 40}
issues:
  - id: price
    name: Price
    scale: {min: 0, max: 100, anchors: {0: "A's offer", 100: "B's demand"}}
    status_quo: 50
stances:
  - {actor: a, issue: price, position: 20, salience: 0.8, assumption: "stated in the first round"}
  - {actor: b, issue: price, position: 90, salience: 0.6, assumption: "stated in the first round"}
"""
