"""Creator profiles over HTTP: CRUD, file import as a job."""
