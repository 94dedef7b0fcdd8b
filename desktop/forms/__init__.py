"""Forms as files a bureau writes and a clerk installs: the canonical JSON of a definition, the form
workbook (an .xlsx a bureau's IT person fills in), and the user's installed forms.  No Qt."""
