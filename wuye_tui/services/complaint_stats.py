"""Monthly complaint statistics (客户月投诉统计表, article 1; targets of article 2).

``monthly(ctx, year, month)`` computes everything in the services; the reports area
renders the :class:`MonthlyStats` to XLSX/CSV/Markdown. The month is the site's local
calendar month. Each rate carries its numerator and denominator; a rate is None when its
denominator is 0.

- counts by category, cause, channel, department, and general vs major: complaints and
  requests received in the month;
- on-time reply rate: of those received in the month, answered (reply or the "cannot be
  solved now" explanation) by the reply time owed at intake (the category deadline, or
  the promised time if earlier) ÷ those answered plus those still unanswered past it;
- satisfaction: customer confirmations recorded in the month (satisfied ÷ all), and
  the mean score;
- return-visit handling rate: visits recorded in the month whose feedback was handled
  (or needed nothing) ÷ visits reached (unreachable ones excluded); target 100 %;
- valid-complaint rate: valid complaints (kind complaint, not marked invalid) received in
  the month ÷ households on the roster; target under 1 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..clock import as_utc
from ..errors import ValidationError
from ..i18n import _
from ..models import Unit
from ..models.complaints import Complaint, ComplaintEvent, ReturnVisit
from .context import ServiceContext
from .permissions import SUPERVISORS, require


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


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
    return_visits_handled: int = 0
    return_visits_unreachable: int = 0
    valid_complaints: int = 0
    households: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time_replies, self.replies_due)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.confirmations)

    @property
    def return_visit_handling_rate(self) -> float | None:
        return _rate(self.return_visits_handled, self.return_visits_reached)

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
    from ..reference import load_reference

    ref = load_reference()
    start, end = month_bounds(year, month, ctx.tz_name)
    st = MonthlyStats(year, month, start, end)
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
        for first, deadline, promised in s.execute(
                select(Complaint.first_response_at, Complaint.deadline_at, Complaint.promised_reply_at)
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
            select(ReturnVisit.status, ReturnVisit.handled, func.count())
            .where(ReturnVisit.done_at >= start, ReturnVisit.done_at < end)
            .group_by(ReturnVisit.status, ReturnVisit.handled)).all()
        for status, handled, n in visits:
            st.return_visits_done += n
            if status == "unreachable":
                st.return_visits_unreachable += n
            else:
                st.return_visits_reached += n
                st.return_visits_handled += n if handled else 0
        st.valid_complaints = s.execute(
            select(func.count()).select_from(Complaint).where(*in_month)
            .where(Complaint.kind == "complaint").where(Complaint.valid.is_(True))).scalar_one()
        st.households = s.execute(select(func.count()).select_from(Unit)).scalar_one()
    return st


def percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.1f}%"
