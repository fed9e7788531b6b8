"""Reports for signing and sending (the unit's, a subtree's, the city's), the raw values and the
matrix, made by background jobs into XLSX, PDF or CSV files kept for a while."""
