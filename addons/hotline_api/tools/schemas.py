# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pydantic schemas of the REST API v1 (plain Python, no ORM)."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

TEXT_MAX = 256
Text = Annotated[str, StringConstraints(max_length=TEXT_MAX)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
IdType = Literal["resident_id", "uscc", "passport", "hk_macau_permit", "other"]
Channel = Literal["phone", "fax", "sms", "email", "letter", "web", "walk_in", "other"]
MAX_BATCH = 1000


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Error(BaseModel):
    error: str
    message: str


class ErrorResponse(BaseModel):
    detail: Error


class CustomerFields(StrictModel):
    """The customer-sync fields (hotline_base): null empties a field, a missing
    key leaves it as it is."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=TEXT_MAX)]
    id_type: IdType | None = None
    id_number: Text | None = None
    enterprise_name: Text | None = None
    mobile: Text | None = None
    phone: Text | None = None
    email: Text | None = None
    building: Text | None = None
    unit: Text | None = None
    floor: Text | None = None
    room: Text | None = None
    category: Text | None = Field(None, description="Customer category code")
    area: Text | None = Field(None, description="Area code")
    is_company: StrictBool | None = None


class CustomerIn(CustomerFields):
    customer_number: Annotated[
        str, StringConstraints(min_length=1, max_length=TEXT_MAX)
    ]


class CustomerBatch(StrictModel):
    customers: Annotated[list[CustomerIn], Field(min_length=1, max_length=MAX_BATCH)]


class BatchResult(BaseModel):
    created: list[str]
    updated: list[str]
    unchanged: list[str]


class Customer(BaseModel):
    """A customer (the identity document number is never sent out)."""

    customer_number: str
    name: str
    is_company: bool
    id_type: str | None = None
    enterprise_name: str | None = None
    mobile: str | None = None
    phone: str | None = None
    email: str | None = None
    category: str | None = None
    area: str | None = None
    building: str | None = None
    unit: str | None = None
    floor: str | None = None
    room: str | None = None
    active: bool


class CustomerUpsertResult(BaseModel):
    result: Literal["created", "updated", "unchanged"]
    customer: Customer


class Site(BaseModel):
    id: int
    customer_number: str | None = None
    name: str
    meter_number: str | None = None
    site_category: str | None = None
    area: str | None = None
    address: str | None = None
    building: str | None = None
    unit: str | None = None
    floor: str | None = None
    room: str | None = None
    active: bool


class ReadingIn(StrictModel):
    month: Month = Field(description="The month read, YYYY-MM")
    value: Annotated[float, Field(ge=0, le=1e9)]


class Reading(BaseModel):
    id: int
    meter_number: str
    month: Month
    value: float
    previous_value: float
    consumption: float
    state: str
    check_reason: str | None = None
    source: str


class Arrears(BaseModel):
    customer_number: str
    currency: str
    amount_due: float
    amount_overdue: float
    overdue: bool
    last_payment_date: date | None = None


class Bill(BaseModel):
    number: str
    invoice_date: date | None = None
    due_date: date | None = None
    currency: str
    amount_total: float
    amount_residual: float
    payment_state: str


class CaseIn(StrictModel):
    title: Annotated[str, StringConstraints(min_length=1, max_length=TEXT_MAX)]
    description: Annotated[str, StringConstraints(max_length=20000)] = ""
    channel: Channel = "other"
    customer_number: Text | None = None
    caller_number: Annotated[str, StringConstraints(max_length=32)] | None = None
    case_type: Code | None = Field(None, description="Case type code")
    received_at: datetime | None = None


class Case(BaseModel):
    """A case's status: never who reported a confidential or anonymous case."""

    number: str
    title: str
    state: str | None = None
    stage: str | None = None
    channel: str | None = None
    case_type: str | None = None
    received_at: datetime | None = None
    replied_at: datetime | None = None
    closed: bool
    reply_summary: str | None = None
    customer_number: str | None = None


class NoteIn(StrictModel):
    body: Annotated[str, StringConstraints(min_length=1, max_length=20000)]


class Note(BaseModel):
    id: int
    case_number: str


class Recording(BaseModel):
    id: int
    started_at: datetime | None = None
    duration_seconds: int
    url: str


class Call(BaseModel):
    id: int
    linkedid: str | None = None
    direction: str
    caller_number: str | None = None
    called_number: str | None = None
    customer_number: str | None = None
    agent: str | None = None
    queue: str | None = None
    started_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    wait_seconds: int
    talk_seconds: int
    disposition: str | None = None
    recordings: list[Recording]


class OutageNotice(BaseModel):
    id: int
    title: str
    body: str
    notice_type: str
    state: str
    areas: list[str]
    date_start: datetime
    date_end: datetime
    current: bool
