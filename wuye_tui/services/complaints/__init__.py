"""The front desk (客服): complaints, workflow, statistics, return visits, suggestions."""
