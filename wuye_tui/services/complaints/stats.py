"""Monthly complaint statistics (客户月投诉统计表, article 1; targets of article 2).

``monthly(ctx, year, month)`` computes everything in the services; the reports area
renders the :class:`MonthlyStats` to XLSX/CSV/Markdown, printing ``definitions[key]``
under each rate. The month is the site's local calendar month. Each rate carries its
numerator and denominator; a rate is None when its denominator is 0.

- counts by category, cause, channel, department, and general vs major: complaints and
  requests received in the month;
- on-time reply rate (``on_time_rate`` = on_time_replies / replies_due): of those received
  in the month, the ones whose first reply to the customer (the 已回复 step) came by the
  reply time owed at intake (the category's or major type's deadline, or the promised
  time if earlier) ÷ those replied plus those still unreplied past that time. A "cannot be
  solved now" explanation is not a reply: it neither counts as on time nor moves the time;
- valid-complaint rate (``valid_complaint_rate`` = valid_complaints / households): the
  complaints (kind complaint) received in the month that a supervisor judged valid ÷
  households on the roster, target under 1 %; ``validity_undecided`` counts those nobody
  has judged yet (not counted as valid), ``invalid_complaints`` those judged invalid;
- return-visit handled rate (``return_visit_handling_rate`` = return_visits_handled /
  return_visits_feedback): the feedback items received at return visits recorded in the
  month (visits with feedback to handle) that have been handled ÷ those feedback items,
  target 100 %; visits where the customer was satisfied with nothing to handle are not
  feedback items; unreachable visits are counted apart (``return_visits_unreachable``);
- satisfaction rate (``satisfaction_rate`` = satisfied / confirmations): confirmations
  recorded in the month with a satisfied grade (非常满意, 满意) ÷ all confirmations; the
  neutral grade (一般) counts in the denominator and closes the complaint unless the
  customer asks for more (only 不满意 always reopens); plus the mean score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ...clock import as_utc
from ...errors import ValidationError
from ...i18n import N_, _
from ...models import Unit
from ...models.complaints import Complaint, ComplaintEvent, ReturnVisit
from ..core.context import ServiceContext
from ..core.permissions import SUPERVISORS, require


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


DEFINITIONS = {
    "on_time_rate": N_("Complaints received this month whose first reply to the customer came by the reply "
                       "time owed at intake, out of those replied or past that time; an explanation that it "
                       "cannot be solved now is not a reply."),
    "valid_complaint_rate": N_("Complaints received this month that a supervisor judged valid, out of the "
                               "households on the roster (target under 1%); complaints not yet judged are "
                               "counted apart as undecided."),
    "return_visit_handling_rate": N_("Feedback items received at this month's return visits that have been "
                                     "handled, out of all feedback items received (target 100%); households "
                                     "that could not be reached are counted apart."),
    "satisfaction_rate": N_("Customer confirmations this month graded very satisfied or satisfied, out of all "
                            "confirmations; neutral counts in the total but does not reopen the complaint."),
}


@dataclass
class MonthlyStats:
    year: int
    month: int
    start: datetime  # aware UTC, first instant of the local month
    end: datetime  # aware UTC, first instant of the next local month
    total: int = 0
    by_category: dict[str, int] = field(default_factory=dict)  # code -> count, reference order
    by_cause: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    by_department: dict[str, int] = field(default_factory=dict)
    general: int = 0
    major: int = 0
    on_time_replies: int = 0
    replies_due: int = 0
    confirmations: int = 0
    satisfied: int = 0
    by_satisfaction: dict[str, int] = field(default_factory=dict)
    mean_satisfaction_score: float | None = None
    return_visits_done: int = 0
    return_visits_reached: int = 0
    return_visits_feedback: int = 0  # feedback items received (visits with feedback to handle)
    return_visits_handled: int = 0  # of those, handled
    return_visits_unreachable: int = 0
    valid_complaints: int = 0  # judged valid by a supervisor
    invalid_complaints: int = 0  # judged not valid
    validity_undecided: int = 0  # not judged yet
    households: int = 0
    definitions: dict[str, str] = field(default_factory=dict)  # rate key -> its one-sentence definition

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time_replies, self.replies_due)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.confirmations)

    @property
    def return_visit_handling_rate(self) -> float | None:
        return _rate(self.return_visits_handled, self.return_visits_feedback)

    @property
    def valid_complaint_rate(self) -> float | None:
        return _rate(self.valid_complaints, self.households)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def month_bounds(year: int, month: int, tz_name: str) -> tuple[datetime, datetime]:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValidationError("month", _("Not a valid month (use YYYY-MM)"))
    tz = ZoneInfo(tz_name)
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def _ordered(counts: dict[str, int], codes: tuple[str, ...]) -> dict[str, int]:
    out = {c: counts.get(c, 0) for c in codes}
    out.update({k: v for k, v in counts.items() if k not in out})
    return out


def monthly(ctx: ServiceContext, year: int, month: int) -> MonthlyStats:
    require(ctx.actor, SUPERVISORS, _("read the monthly complaint statistics"))
    from ...reference import load_reference

    ref = load_reference()
    start, end = month_bounds(year, month, ctx.tz_name)
    st = MonthlyStats(year, month, start, end, definitions={k: _(v) for k, v in DEFINITIONS.items()})
    now = ctx.now()
    in_month = (Complaint.received_at >= start, Complaint.received_at < end)
    with ctx.db.read() as s:
        def group(col):  # type: ignore[no-untyped-def]
            return dict(s.execute(select(col, func.count()).where(*in_month).group_by(col)).all())

        st.by_category = _ordered(group(Complaint.category),
                                  tuple(c.code for c in ref.categories if c.kind != "suggestion"))
        st.by_cause = _ordered(group(Complaint.cause), ref.codes("cause"))
        st.by_channel = _ordered(group(Complaint.channel), ref.codes("channel"))
        st.by_department = _ordered(group(Complaint.department), ref.codes("department"))
        majors = group(Complaint.is_major)
        st.major = int(majors.get(True, 0))
        st.general = int(majors.get(False, 0))
        st.total = st.major + st.general
        first_reply = (select(ComplaintEvent.complaint_id, func.min(ComplaintEvent.at).label("at"))
                       .where(ComplaintEvent.kind == "replied").group_by(ComplaintEvent.complaint_id).subquery())
        for first, deadline, promised in s.execute(
                select(first_reply.c.at, Complaint.deadline_at, Complaint.promised_reply_at)
                .join(first_reply, first_reply.c.complaint_id == Complaint.id, isouter=True)
                .where(*in_month)):
            owed = as_utc(deadline) if promised is None else min(as_utc(deadline), as_utc(promised))
            if first is not None:
                st.replies_due += 1
                st.on_time_replies += as_utc(first) <= owed
            elif owed < now:
                st.replies_due += 1
        sats = dict(s.execute(
            select(ComplaintEvent.satisfaction, func.count())
            .where(ComplaintEvent.kind.in_(("confirmed", "unsatisfied")))
            .where(ComplaintEvent.at >= start, ComplaintEvent.at < end)
            .group_by(ComplaintEvent.satisfaction)).all())
        st.by_satisfaction = _ordered(sats, ref.codes("satisfaction"))
        st.confirmations = sum(sats.values())
        scores = 0
        for code, n in sats.items():
            try:
                entry = ref.satisfaction(code)
            except LookupError:
                continue
            st.satisfied += n if entry.satisfied else 0
            scores += entry.score * n
        st.mean_satisfaction_score = scores / st.confirmations if st.confirmations else None
        visits = s.execute(
            select(ReturnVisit.status, ReturnVisit.outcome, ReturnVisit.handled, func.count())
            .where(ReturnVisit.done_at >= start, ReturnVisit.done_at < end)
            .group_by(ReturnVisit.status, ReturnVisit.outcome, ReturnVisit.handled)).all()
        for status, outcome, handled, n in visits:
            st.return_visits_done += n
            if status == "unreachable":
                st.return_visits_unreachable += n
                continue
            st.return_visits_reached += n
            if outcome == "issue":
                st.return_visits_feedback += n
                st.return_visits_handled += n if handled else 0
        for decided, valid, n in s.execute(
                select(Complaint.validity_decided_at.is_not(None), Complaint.valid, func.count())
                .where(*in_month).where(Complaint.kind == "complaint")
                .group_by(Complaint.validity_decided_at.is_not(None), Complaint.valid)).all():
            if not decided:
                st.validity_undecided += n
            elif valid:
                st.valid_complaints += n
            else:
                st.invalid_complaints += n
        st.households = s.execute(select(func.count()).select_from(Unit)).scalar_one()
    return st


def percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.1f}%"
