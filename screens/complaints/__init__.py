"""Front desk screens: complaint list, entry form, detail with timeline, return visits,
suggestions and the monthly statistics."""
