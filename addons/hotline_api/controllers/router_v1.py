# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Routes of the REST API v1 (mounted on /hotline/api/v1 by the
``fastapi.endpoint`` record of data/fastapi_endpoint_data.xml).

The endpoint runs as a technical user; once a key is authenticated the request
runs as the key's integration user, as superuser limited to what the user's API
groups allow (checked on each route), in the user's company. Write errors raise
an HTTPException: the dispatcher rolls the whole request back (all or nothing).
"""

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from psycopg2 import IntegrityError
from starlette.responses import FileResponse, JSONResponse

from odoo.api import Environment
from odoo.exceptions import UserError, ValidationError

from odoo.addons.fastapi.dependencies import odoo_env
from odoo.addons.hotline_base.controllers.customer_sync import CustomerSyncController
from odoo.addons.hotline_base.tools.api import PayloadError

from ..tools import schemas
from ..tools.rate_limit import RateLimiter

READ = "hotline_api.group_api_read"
BUSINESS = "hotline_api.group_api_business"
CASES = "hotline_api.group_api_cases"
ROOT = "/hotline/api/v1"
IDEMPOTENCY_KEY_MAX = 128
# one process's buckets (see tools/rate_limit.py)
LIMITER = RateLimiter(period=60.0)
ERRORS = {
    401: {"model": schemas.ErrorResponse, "description": "Missing or wrong key"},
    403: {"model": schemas.ErrorResponse, "description": "Not the key's role"},
    413: {"model": schemas.ErrorResponse, "description": "Body over 1 MiB"},
    429: {"model": schemas.ErrorResponse, "description": "Too many requests"},
}
NOT_FOUND = {404: {"model": schemas.ErrorResponse, "description": "Not found"}}
BAD = {400: {"model": schemas.ErrorResponse, "description": "Refused input"}}
CONFLICT = {
    409: {
        "model": schemas.ErrorResponse,
        "description": "Idempotency-Key reused with another body, or a conflict",
    }
}

router = APIRouter(responses=ERRORS)
bearer = HTTPBearer(auto_error=False, description="A key of Hotline > API keys")


def fail(status, code, message, headers=None):
    raise HTTPException(
        status_code=status, detail={"error": code, "message": message}, headers=headers
    )


@dataclass
class Caller:
    env: Environment
    key: object


def authenticated(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    env: Annotated[Environment, Depends(odoo_env)],
) -> Caller:
    if credentials is None:
        fail(
            401,
            "unauthorized",
            "Send Authorization: Bearer <key>.",
            {"WWW-Authenticate": "Bearer"},
        )
    key = env["hotline.api.key"]._hotline_authenticate(credentials.credentials)
    if not key:
        fail(
            401,
            "unauthorized",
            "Unknown or revoked API key.",
            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    allowed, retry_after = LIMITER.hit(key.id, key.rate_limit)
    if not allowed:
        fail(
            429,
            "rate_limited",
            f"More than {key.rate_limit} requests a minute: retry in {retry_after} s.",
            {"Retry-After": str(retry_after)},
        )
    user = key.user_id
    user_env = env(
        user=user.id,
        su=True,
        context=dict(env.context, allowed_company_ids=[user.company_id.id]),
    )
    return Caller(env=user_env, key=key.with_env(user_env))


def role(*groups):
    def check(caller: Annotated[Caller, Depends(authenticated)]) -> Caller:
        user = caller.env.user
        if not any(user.has_group(group) for group in groups):
            fail(403, "forbidden", "The key's role does not allow this request.")
        return caller

    return check


Reader = Annotated[Caller, Depends(role(READ, BUSINESS))]
Business = Annotated[Caller, Depends(role(BUSINESS))]
CaseWriter = Annotated[Caller, Depends(role(CASES))]
CaseReader = Annotated[Caller, Depends(role(READ, BUSINESS, CASES))]
AnyRole = Annotated[Caller, Depends(role(READ, BUSINESS, CASES))]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=IDEMPOTENCY_KEY_MAX,
        description="Sent again with the same body: the first answer, no second write.",
    ),
]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0)]


def idempotent(caller, request, idempotency_key, payload, produce):
    """Run ``produce() -> (status, body)`` once per Idempotency-Key."""
    if not idempotency_key:
        status, body = produce()
        return JSONResponse(jsonable_encoder(body), status_code=status)
    signature = f"{request.method}\n{request.url.path}\n{payload.model_dump_json()}"
    digest = hashlib.sha256(signature.encode()).hexdigest()
    Request_ = caller.env["hotline.api.request"]
    domain = [
        ("api_key_id", "=", caller.key.id),
        ("idempotency_key", "=", idempotency_key),
    ]
    prior = Request_.search(domain, limit=1)
    if prior:
        if prior.request_hash != digest:
            fail(
                409,
                "idempotency_conflict",
                "This Idempotency-Key was sent with another request.",
            )
        return JSONResponse(
            prior.response_body,
            status_code=prior.status_code,
            headers={"Idempotent-Replayed": "true"},
        )
    status, body = produce()
    body = jsonable_encoder(body)
    try:
        with caller.env.cr.savepoint():
            Request_.create(
                {
                    "api_key_id": caller.key.id,
                    "idempotency_key": idempotency_key,
                    "request_hash": digest,
                    "status_code": status,
                    "response_body": body,
                }
            )
    except IntegrityError:
        fail(409, "idempotency_conflict", "The same request is being processed.")
    return JSONResponse(body, status_code=status)


def code_of(record):
    return record.code or None if record else None


# ---------------------------------------------------------------- customers
def _partners(env):
    return env["res.partner"].with_context(active_test=False)


def _customer(env, number):
    partner = _partners(env).search(
        [
            ("hotline_customer_number", "=", number),
            ("company_id", "in", [env.company.id, False]),
        ],
        limit=1,
    )
    if not partner:
        fail(404, "not_found", f"No customer {number}.")
    return partner


def customer_out(partner):
    return schemas.Customer(
        customer_number=partner.hotline_customer_number,
        name=partner.name or "",
        is_company=partner.is_company,
        id_type=partner.hotline_id_type or None,
        enterprise_name=partner.hotline_enterprise_name or None,
        mobile=partner.mobile or None,
        phone=partner.phone or None,
        email=partner.email or None,
        category=code_of(partner.hotline_category_id),
        area=code_of(partner.hotline_area_id),
        building=partner.hotline_building or None,
        unit=partner.hotline_unit or None,
        floor=partner.hotline_floor or None,
        room=partner.hotline_room or None,
        active=partner.active,
    )


def _upsert(env, items):
    try:
        return CustomerSyncController()._upsert(env, items)
    except PayloadError as error:
        raise HTTPException(
            status_code=error.status,
            detail={"error": error.code, "message": str(error), **error.extra},
        ) from None
    except UserError as error:
        fail(400, "invalid_payload", str(error))


@router.get("/customers", response_model=list[schemas.Customer], tags=["customers"])
def search_customers(
    caller: Reader,
    q: Annotated[str | None, Query(max_length=128)] = None,
    phone: Annotated[str | None, Query(max_length=32)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
):
    """Customers by name or number (``q``) or by a phone number in any format."""
    env = caller.env
    domain = [
        ("hotline_customer_number", "!=", False),
        ("company_id", "in", [env.company.id, False]),
    ]
    if q:
        domain += [
            "|",
            ("name", "ilike", q),
            ("hotline_customer_number", "=ilike", q),
        ]
    partners = _partners(env)
    if phone:
        found = env["res.partner"].hotline_identify_caller(phone)
        domain.append(("id", "in", found.ids))
    partners = partners.search(domain, limit=limit, offset=offset, order="id")
    return [customer_out(p) for p in partners]


@router.get(
    "/customers/{customer_number}",
    response_model=schemas.Customer,
    responses=NOT_FOUND,
    tags=["customers"],
)
def get_customer(customer_number: str, caller: Reader):
    return customer_out(_customer(caller.env, customer_number))


@router.put(
    "/customers/{customer_number}",
    response_model=schemas.CustomerUpsertResult,
    responses={**BAD, 201: {"model": schemas.CustomerUpsertResult}},
    tags=["customers"],
)
def put_customer(
    customer_number: str,
    payload: schemas.CustomerFields,
    caller: Business,
):
    """Create or update one customer by its number (idempotent: the same body
    again writes nothing and answers ``unchanged``)."""
    env = caller.env
    item = dict(payload.model_dump(exclude_unset=True), customer_number=customer_number)
    result = _upsert(env, [item])
    outcome = next(k for k in ("created", "updated", "unchanged") if result[k])
    body = schemas.CustomerUpsertResult(
        result=outcome, customer=customer_out(_customer(env, customer_number.strip()))
    )
    return JSONResponse(
        jsonable_encoder(body), status_code=201 if outcome == "created" else 200
    )


@router.post(
    "/customers/batch",
    response_model=schemas.BatchResult,
    responses=BAD,
    tags=["customers"],
)
def batch_customers(payload: schemas.CustomerBatch, caller: Business):
    """Upsert up to 1000 customers, all or nothing, idempotent by customer
    number (the rules of the customer sync of hotline_base)."""
    items = [c.model_dump(exclude_unset=True) for c in payload.customers]
    return _upsert(caller.env, items)


# ---------------------------------------------------------------- sites, meters
def site_out(site):
    return schemas.Site(
        id=site.id,
        customer_number=site.partner_id.hotline_customer_number or None,
        name=site.name,
        meter_number=site.meter_number or None,
        site_category=site.site_category or None,
        area=code_of(site.area_id),
        address=site.address or None,
        building=site.building or None,
        unit=site.unit or None,
        floor=site.floor or None,
        room=site.room or None,
        active=site.active,
    )


def _site(env, meter_number):
    site = (
        env["hotline.service.site"]
        .with_context(active_test=False)
        .search(
            [
                ("meter_number", "=", meter_number),
                ("partner_id.company_id", "in", [env.company.id, False]),
            ],
            limit=1,
        )
    )
    if not site:
        fail(404, "not_found", f"No meter {meter_number}.")
    return site


@router.get(
    "/customers/{customer_number}/sites",
    response_model=list[schemas.Site],
    responses=NOT_FOUND,
    tags=["sites and meters"],
)
def customer_sites(customer_number: str, caller: Reader):
    partner = _customer(caller.env, customer_number)
    sites = (
        caller.env["hotline.service.site"]
        .with_context(active_test=False)
        .search([("partner_id", "=", partner.id)])
    )
    return [site_out(s) for s in sites]


@router.get(
    "/meters/{meter_number}",
    response_model=schemas.Site,
    responses=NOT_FOUND,
    tags=["sites and meters"],
)
def get_meter(meter_number: str, caller: Reader):
    return site_out(_site(caller.env, meter_number))


# ---------------------------------------------------------------- readings
def reading_out(reading):
    return schemas.Reading(
        id=reading.id,
        meter_number=reading.site_id.meter_number,
        month=reading.month.strftime("%Y-%m"),
        value=reading.value,
        previous_value=reading.previous_value,
        consumption=reading.consumption,
        state=reading.state,
        check_reason=reading.check_reason or None,
        source=reading.source,
    )


@router.get(
    "/meters/{meter_number}/readings",
    response_model=list[schemas.Reading],
    responses=NOT_FOUND,
    tags=["meter readings"],
)
def meter_readings(
    meter_number: str, caller: Reader, limit: Limit = 24, offset: Offset = 0
):
    site = _site(caller.env, meter_number)
    readings = caller.env["hotline.meter.reading"].search(
        [("site_id", "=", site.id)], limit=limit, offset=offset
    )
    return [reading_out(r) for r in readings]


@router.post(
    "/meters/{meter_number}/readings",
    response_model=schemas.Reading,
    status_code=201,
    responses={**BAD, **NOT_FOUND, **CONFLICT, 200: {"model": schemas.Reading}},
    tags=["meter readings"],
)
def push_reading(
    meter_number: str,
    payload: schemas.ReadingIn,
    caller: Business,
    request: Request,
    idempotency_key: IdempotencyKey = None,
):
    """A reading from the business system, checked as every reading is (not
    below the previous one, not a future or invoiced month; an implausible
    usage waits for the billing team: state ``to_check``). The same reading
    sent again answers 200 with the stored one; another value for a month that
    has one is refused (409)."""
    env = caller.env

    def produce():
        site = _site(env, meter_number)
        month = datetime.strptime(payload.month, "%Y-%m").date()
        Reading = env["hotline.meter.reading"]
        existing = Reading.search(
            [
                ("site_id", "=", site.id),
                ("month", "=", month),
                ("state", "in", ("accepted", "to_check", "invoiced")),
            ],
            limit=1,
        )
        if existing:
            if abs(existing.value - payload.value) < 0.0005:
                return 200, reading_out(existing)
            fail(
                409,
                "reading_exists",
                f"{meter_number} has a reading for {payload.month} already "
                f"({existing.value:g}, {existing.state}).",
            )
        try:
            with env.cr.savepoint():
                reading = Reading.create(
                    {
                        "site_id": site.id,
                        "month": month,
                        "value": payload.value,
                        "source": "system",
                        "company_id": env.company.id,
                    }
                )
        except (ValidationError, UserError) as error:
            fail(400, "invalid_reading", str(error))
        return 201, reading_out(reading)

    return idempotent(caller, request, idempotency_key, payload, produce)


# ---------------------------------------------------------------- bills
@router.get(
    "/customers/{customer_number}/arrears",
    response_model=schemas.Arrears,
    responses=NOT_FOUND,
    tags=["bills"],
)
def customer_arrears(customer_number: str, caller: Reader):
    partner = _customer(caller.env, customer_number)
    info = partner._hotline_arrears_info()
    return schemas.Arrears(
        customer_number=partner.hotline_customer_number,
        currency=info["currency"],
        amount_due=info["amount_due"],
        amount_overdue=info["amount_overdue"],
        overdue=info["overdue"],
        last_payment_date=partner.hotline_last_payment_date or None,
    )


@router.get(
    "/customers/{customer_number}/bills",
    response_model=list[schemas.Bill],
    responses=NOT_FOUND,
    tags=["bills"],
)
def customer_bills(
    customer_number: str,
    caller: Reader,
    unpaid: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
):
    """Posted customer invoices (they stay in Odoo Accounting), newest first."""
    partner = _customer(caller.env, customer_number)
    domain = [
        ("move_type", "in", ("out_invoice", "out_refund")),
        ("state", "=", "posted"),
        ("partner_id", "child_of", partner.commercial_partner_id.id),
        ("company_id", "=", caller.env.company.id),
    ]
    if unpaid:
        domain.append(("payment_state", "in", ("not_paid", "partial")))
    moves = caller.env["account.move"].search(
        domain, limit=limit, offset=offset, order="invoice_date desc, id desc"
    )
    return [
        schemas.Bill(
            number=move.name,
            invoice_date=move.invoice_date or None,
            due_date=move.invoice_date_due or None,
            currency=move.currency_id.name,
            amount_total=move.amount_total_signed,
            amount_residual=move.amount_residual_signed,
            payment_state=move.payment_state,
        )
        for move in moves
    ]


# ---------------------------------------------------------------- cases
def _case(env, number):
    case = env["helpdesk.ticket"].search(
        [("number", "=", number), ("company_id", "=", env.company.id)], limit=1
    )
    if not case:
        fail(404, "not_found", f"No case {number}.")
    return case


def case_out(case):
    hidden = case.is_confidential or case.is_anonymous
    return schemas.Case(
        number=case.number,
        title=case.name,
        state=case.hotline_state or None,
        stage=case.stage_id.name or None,
        channel=case.channel_id.hotline_code or None,
        case_type=case.case_type_id.code or None,
        received_at=case.intake_date or None,
        replied_at=case.replied_at or None,
        closed=case.closed,
        reply_summary=case.reply_summary or None,
        customer_number=None
        if hidden
        else (case.partner_id.hotline_customer_number or None),
    )


@router.post(
    "/cases",
    response_model=schemas.Case,
    status_code=201,
    responses={**BAD, **CONFLICT},
    tags=["cases"],
)
def create_case(
    payload: schemas.CaseIn,
    caller: CaseWriter,
    request: Request,
    idempotency_key: IdempotencyKey = None,
):
    """A case taken by another channel (web portal, OA, app...)."""
    env = caller.env

    def produce():
        values = {
            "name": payload.title,
            "description": payload.description,
            "owner_id": False,
        }
        if payload.customer_number:
            partner = _customer(env, payload.customer_number)
            values.update(partner_id=partner.id, partner_name=partner.name)
        if payload.caller_number:
            values["caller_number"] = payload.caller_number
        if payload.received_at:
            values["intake_date"] = _naive_utc(payload.received_at)
        if payload.case_type:
            case_type = env["hotline.case.type"].search(
                [("code", "=", payload.case_type)], limit=1
            )
            if not case_type:
                fail(400, "invalid_case", f"Unknown case type {payload.case_type}.")
            values["case_type_id"] = case_type.id
        try:
            with env.cr.savepoint():
                case = env["helpdesk.ticket"].hotline_intake(payload.channel, values)
        except (ValidationError, UserError) as error:
            fail(400, "invalid_case", str(error))
        return 201, case_out(case)

    return idempotent(caller, request, idempotency_key, payload, produce)


@router.get(
    "/cases/{number}",
    response_model=schemas.Case,
    responses=NOT_FOUND,
    tags=["cases"],
)
def get_case(number: str, caller: CaseReader):
    """A case's status by its number; a confidential or anonymous case never
    names its reporter."""
    return case_out(_case(caller.env, number))


@router.post(
    "/cases/{number}/notes",
    response_model=schemas.Note,
    status_code=201,
    responses={**NOT_FOUND, **CONFLICT},
    tags=["cases"],
)
def add_case_note(
    number: str,
    payload: schemas.NoteIn,
    caller: CaseWriter,
    request: Request,
    idempotency_key: IdempotencyKey = None,
):
    """An internal note on the case's chatter, by the integration user."""
    env = caller.env

    def produce():
        case = _case(env, number)
        message = case.message_post(
            body=payload.body,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return 201, schemas.Note(id=message.id, case_number=case.number)

    return idempotent(caller, request, idempotency_key, payload, produce)


# ---------------------------------------------------------------- calls
def _calls_domain(env):
    # a confidential reporter's call is never shown by the API
    return [
        ("company_id", "=", env.company.id),
        ("hotline_confidential", "=", False),
    ]


def _call(env, call_id):
    call = env["hotline.call"].search(
        [("id", "=", call_id), *_calls_domain(env)], limit=1
    )
    if not call or call._hotline_caller_hidden():
        fail(404, "not_found", f"No call {call_id}.")
    return call


def _recordings(call):
    return call.env["hotline.recording"].search(
        [("call_id", "=", call.id), ("purged_at", "=", False)], order="started_at"
    )


def call_out(call):
    return schemas.Call(
        id=call.id,
        linkedid=call.linkedid or None,
        direction=call.direction,
        caller_number=call.caller_number or None,
        called_number=call.called_number or None,
        customer_number=call.partner_id.hotline_customer_number or None,
        agent=call.user_id.name or None,
        queue=call.queue_id.name or None,
        started_at=call.started_at or None,
        answered_at=call.answered_at or None,
        ended_at=call.ended_at or None,
        wait_seconds=call.wait_seconds,
        talk_seconds=call.talk_seconds,
        disposition=call.disposition or None,
        recordings=[
            schemas.Recording(
                id=rec.id,
                started_at=rec.started_at or None,
                duration_seconds=rec.duration_seconds,
                url=f"{ROOT}/calls/{call.id}/recordings/{rec.id}",
            )
            for rec in _recordings(call)
        ],
    )


@router.get("/calls", response_model=list[schemas.Call], tags=["calls"])
def search_calls(
    caller: Reader,
    since: datetime | None = None,
    until: datetime | None = None,
    customer_number: Annotated[str | None, Query(max_length=256)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
):
    """Calls, newest first (never a confidential reporter's call)."""
    env = caller.env
    domain = _calls_domain(env)
    if since:
        domain.append(("started_at", ">=", _naive_utc(since)))
    if until:
        domain.append(("started_at", "<", _naive_utc(until)))
    if customer_number:
        domain.append(("partner_id", "=", _customer(env, customer_number).id))
    calls = env["hotline.call"].search(
        domain, limit=limit, offset=offset, order="started_at desc, id desc"
    )
    return [call_out(c) for c in calls if not c._hotline_caller_hidden()]


def _naive_utc(value):
    """A datetime as Odoo stores it (UTC, naive); a naive one is taken as UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


@router.get(
    "/calls/{call_id}",
    response_model=schemas.Call,
    responses=NOT_FOUND,
    tags=["calls"],
)
def get_call(call_id: int, caller: Reader):
    return call_out(_call(caller.env, call_id))


@router.get(
    "/calls/{call_id}/recordings/{recording_id}",
    response_class=FileResponse,
    responses={**NOT_FOUND, 200: {"content": {"audio/*": {}}}},
    tags=["calls"],
)
def get_recording(call_id: int, recording_id: int, caller: Reader):
    """The audio file of a recording of the call."""
    call = _call(caller.env, call_id)
    recording = _recordings(call).filtered(lambda r: r.id == recording_id)
    path = recording._hotline_full_path() if recording else None
    if not path or not os.path.isfile(path):
        fail(404, "not_found", f"No recording {recording_id} of call {call_id}.")
    return FileResponse(
        path, media_type=recording.mimetype, filename=os.path.basename(path)
    )


# ---------------------------------------------------------------- outage notices
@router.get(
    "/outage-notices",
    response_model=list[schemas.OutageNotice],
    tags=["outage notices"],
)
def outage_notices(
    caller: AnyRole,
    current: bool = True,
    area: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
):
    """Published notices (``current``: those in force now); ``area``: the
    notices of an area code and of the areas above it."""
    env = caller.env
    domain = [
        ("company_id", "=", env.company.id),
        ("state", "in", ("published", "expired")),
    ]
    if current:
        domain.append(("is_current", "=", True))
    if area:
        found = env["hotline.area"].search([("code", "=", area)], limit=1)
        if not found:
            fail(404, "not_found", f"No area {area}.")
        domain.append(("area_ids", "parent_of", found.id))
    notices = env["hotline.outage.notice"].search(domain, limit=limit, offset=offset)
    return [
        schemas.OutageNotice(
            id=n.id,
            title=n.name,
            body=n.body,
            notice_type=n.notice_type,
            state=n.state,
            areas=[a.code or a.name for a in n.area_ids],
            date_start=n.date_start,
            date_end=n.date_end,
            current=n.is_current,
        )
        for n in notices
    ]
