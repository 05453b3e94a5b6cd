"""Files staff bring to the console: volunteer lists and service records from the volunteer
platform's exports, read, checked row by row, previewed, then written as one batch."""
